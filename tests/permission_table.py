"""Who gets what from every URL of the project: one row per URL name, one outcome per role.

The cast (see `cast` in conftest.py): anonymous, delegate (A) and delegate_b (B) of the same
programme, staff and organiser of that programme, organiser of another programme, admin, and
the focal point who nominates for one delegation of the programme (not a team member).

A row is a dict:
- `args`: builds the URL's arguments from the test data (`World` below); absent when none.
- `get`: what a GET answers to each role.
- `post`: what a POST answers to each role. `ALLOWED` marks the roles that may post: their
  empty POST must get past the access checks (it is rolled back; what a real form does is for
  each app's own tests), and for a POST-only view their GET must answer 405. Every other role's
  POST must change no row and send no e-mail.

Outcomes: an HTTP status, or `LOGIN` for a redirect to the sign-in page. Outsiders get 404 (they
must not learn that a programme exists); members without the right role get 403.

Django's admin and language switch and allauth's account pages are left out (see
`EXCLUDED_NAMESPACES` and `EXCLUDED_MODULES`): they are the libraries' own, with their own tests.
Every other URL name needs a row: tests/test_permissions.py fails for a name without one, and
for a row whose name is gone.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from django.core.files.base import ContentFile

from participants.invitations import hash_token
from participants.lodging_models import Hotel, RoomType
from participants.message_models import GroupMessage
from participants.models import (
    EvaluationQuestion,
    ImportBatch,
    Nomination,
    NominationCall,
    Participant,
)
from programs.models import Announcement, ApiToken, Delegation, Programme, ProgrammeMembership
from reports.models import Certificate, GenerationJob, Quote, Signatory
from visits.models import (
    Assignment,
    Session,
    SessionMaterial,
    SessionPhoto,
    Site,
    TransferPassenger,
    TransferRun,
    Vehicle,
    VisitGroup,
)

from .factories import (
    AnnouncementFactory,
    ApiTokenFactory,
    AssignmentFactory,
    CertificateFactory,
    DelegationFactory,
    EvaluationQuestionFactory,
    FocalPointFactory,
    GroupMessageFactory,
    ImportBatchFactory,
    InvitationFactory,
    NominationCallFactory,
    NominationFactory,
    NominationQuestionFactory,
    ParticipantFactory,
    QuoteFactory,
    RoomAssignmentFactory,
    SessionFactory,
    SessionMaterialFactory,
    SessionPhotoFactory,
    SignatoryFactory,
    SiteFactory,
    TransferRunFactory,
    VehicleFactory,
    VisitGroupFactory,
)

LOGIN = "login"
ALLOWED = "allowed"

ROLES = [
    "anonymous",
    "delegate",
    "delegate_b",
    "staff",
    "other_organiser",
    "organiser",
    "admin",
    "focal_point",
]

# Namespaces and view modules that are not ours.
EXCLUDED_NAMESPACES = {"admin"}
EXCLUDED_MODULES = ("allauth.", "django.")

# The usual outcomes. Rows copy one of these or spell out their own.
TEAM = {
    "anonymous": LOGIN,
    "delegate": 404,
    "delegate_b": 404,
    "staff": 200,
    "other_organiser": 404,
    "organiser": 200,
    "admin": 200,
    "focal_point": 404,
}
MANAGERS = {**TEAM, "staff": 403}
ADMINS = {**MANAGERS, "organiser": 403}
# Pages of the signed-in delegate's own records (no id in the URL): delegate B sees their own.
DELEGATES = {
    "anonymous": LOGIN,
    "delegate": 200,
    "delegate_b": 200,
    "staff": 404,
    "other_organiser": 404,
    "organiser": 404,
    "admin": 404,
    "focal_point": 404,
}
PUBLIC = dict.fromkeys(ROLES, 200)
# Pages of one delegation's nominations: organisers and that delegation's focal point.
NOMINATORS = {**TEAM, "staff": 404, "focal_point": 200}
# Sites are shared by every programme: anyone on a team may edit them; other accounts get 403.
SITE_EDITORS = {
    **TEAM,
    "delegate": 403,
    "delegate_b": 403,
    "other_organiser": 200,
    "focal_point": 403,
}


# The REST API (`api:` names): the pages' roles, and 401 without credentials (a program does not
# follow a redirect to a sign-in form). Tokens only narrow access (tests/api).
API_TEAM = {**TEAM, "anonymous": 401}
API_MANAGERS = {**MANAGERS, "anonymous": 401}
SIGNED_IN = {**PUBLIC, "anonymous": LOGIN}


def may_post(outcomes: dict) -> dict:
    """The POST outcomes of a view that answers `outcomes` to GET: who gets 200 may post."""
    return {role: ALLOWED if outcome == 200 else outcome for role, outcome in outcomes.items()}


@dataclass
class World:
    """One programme with one of everything, to build URLs from."""

    programme: Programme
    delegate_a: Participant
    invitation_token: str
    membership: ProgrammeMembership
    announcement: Announcement
    delegation: Delegation
    question: EvaluationQuestion
    batch: ImportBatch
    item: Session
    group: VisitGroup
    vehicle: Vehicle
    material: SessionMaterial
    site: Site
    assignment: Assignment
    photo: SessionPhoto
    job: GenerationJob
    signatory: Signatory
    certificate: Certificate
    quote: Quote
    withdrawn: Participant
    focal_delegation: Delegation
    call: NominationCall
    nomination: Nomination
    # Group messages
    group_message: GroupMessage
    # Airport transfers: a run with delegate A on it
    transfer_run: TransferRun
    transfer_passenger: TransferPassenger
    # Accommodation
    hotel: Hotel
    room_type: RoomType
    # REST API: a token of the organiser
    api_token: ApiToken


def build_world(cast: dict, programme: Programme) -> World:
    """Everything the rows' `args` need, around the cast's programme; files are stored."""
    programme.logo.save("logo.png", ContentFile(b"\x89PNG logo"), save=True)
    # Both delegates take part: the pages they may use are open to them.
    programme.participants.filter(user__isnull=False).update(status=Participant.Status.CONFIRMED)
    delegate_a = programme.participants.get(user=cast["delegate"])
    delegate_a.photo.save("a.jpg", ContentFile(b"\xff\xd8photo"), save=False)
    delegate_a.feed_token = "feed-token-of-delegate-a"
    delegate_a.save()
    certificate = CertificateFactory(participant=delegate_a)
    certificate.file.save("certificate.pdf", ContentFile(b"%PDF-1.7 certificate"))
    invitee = ParticipantFactory(programme=programme, email="invitee@example.org")
    InvitationFactory(participant=invitee, token="invitation-token")

    item = SessionFactory(programme=programme, site=SiteFactory())
    material = SessionMaterialFactory(
        session=item, url="", file=ContentFile(b"%PDF-1.7 slides", name="slides.pdf")
    )
    job = GenerationJob.objects.create(
        programme=programme, kind=GenerationJob.Kind.CERTIFICATES, status="done", total=1, done=1
    )
    job.archive.save("certificates.zip", ContentFile(b"PK zip"), save=False)
    job.spreadsheet.save("certificates.xlsx", ContentFile(b"PK xlsx"), save=False)
    job.combined.save("certificates.pdf", ContentFile(b"%PDF-1.7 combined"))
    # The focal point's delegation, and a nomination of it in the programme's open call.
    focal_delegation = FocalPointFactory(
        delegation__programme=programme, user=cast["focal_point"]
    ).delegation
    call = NominationCallFactory(programme=programme)
    transfer_run = TransferRunFactory(programme=programme)
    # Delegate A has a room in the programme's hotel.
    room = RoomAssignmentFactory(room_type__hotel__programme=programme, participant=delegate_a)
    return World(
        programme=programme,
        delegate_a=delegate_a,
        invitation_token="invitation-token",
        membership=programme.memberships.get(user=cast["staff"]),
        announcement=AnnouncementFactory(programme=programme),
        delegation=DelegationFactory(programme=programme),
        question=EvaluationQuestionFactory(programme=programme),
        batch=ImportBatchFactory(programme=programme),
        item=item,
        group=VisitGroupFactory(session=item),
        vehicle=VehicleFactory(session=item),
        material=material,
        site=item.site,
        assignment=AssignmentFactory(session=item, participant=delegate_a),
        photo=SessionPhotoFactory(session=item),
        job=job,
        signatory=SignatoryFactory(template__programme=programme),
        certificate=certificate,
        quote=QuoteFactory(report__programme=programme),
        withdrawn=ParticipantFactory(programme=programme, status=Participant.Status.WITHDRAWN),
        focal_delegation=focal_delegation,
        call=call,
        nomination=NominationFactory(call=call, delegation=focal_delegation),
        group_message=GroupMessageFactory(programme=programme),
        transfer_run=transfer_run,
        transfer_passenger=TransferPassenger.objects.create(
            run=transfer_run, participant=delegate_a, direction=transfer_run.direction
        ),
        hotel=room.room_type.hotel,
        room_type=room.room_type,
        api_token=ApiTokenFactory(user=cast["organiser"], programmes=[programme]),
    )


# Argument builders.
Args = Callable[[World], list]


def slug(w: World) -> list:
    return [w.programme.slug]


def item(w: World) -> list:
    return [w.programme.slug, w.item.pk]


def slug_and(attribute: str) -> Args:
    return lambda w: [w.programme.slug, getattr(w, attribute).pk]


def item_and(attribute: str) -> Args:
    return lambda w: [w.programme.slug, w.item.pk, getattr(w, attribute).pk]


def of_delegate_a(w: World) -> list:
    return [w.programme.slug, w.delegate_a.pk]


# Calls for nominations


# Allowances


def rate_of_delegate_a(w: World) -> list:
    """Delegate A with an allowance rate and a stay, so that their allowance page exists."""
    from decimal import Decimal

    from participants.allowances import save_rate

    save_rate(
        programme=w.programme,
        category=w.delegate_a.category,
        currency="IDR",
        amount=Decimal("500000"),
        basis="day",
    )
    start = w.programme.local_datetime(w.programme.start_date, 12)
    w.delegate_a.arrival_at, w.delegate_a.departure_at = start, start + timedelta(days=2)
    w.delegate_a.save(update_fields=["arrival_at", "departure_at"])
    return [w.programme.slug, w.delegate_a.pk]


def paid_delegate_a(w: World) -> list:
    args = rate_of_delegate_a(w)
    from participants.allowances import mark_paid

    mark_paid(participant=w.delegate_a, method="cash", by=None)
    return args


def allowance_rate(w: World) -> list:
    rate_of_delegate_a(w)
    return [w.programme.slug, w.programme.allowance_rates.get().pk]


def meal_provision(w: World) -> list:
    from participants.allowances import save_meal_provision

    meal = save_meal_provision(programme=w.programme, day=w.programme.start_date, percent=30)
    return [w.programme.slug, meal.pk]


def nomination_cv(w: World) -> list:
    """The nomination's CV, stored for the occasion."""
    w.nomination.cv.save("cv.pdf", ContentFile(b"%PDF-1.7 cv"))
    return [w.programme.slug, w.nomination.pk, "cv"]


def nomination_profile_token(w: World) -> list:
    token = "profile-token-of-the-world"
    w.nomination.profile_token_hash = hash_token(token)
    w.nomination.save(update_fields=["profile_token_hash"])
    return [token]


PERMISSIONS: dict[str, dict] = {
    # The project's own pages
    "home": {"get": {**PUBLIC, "anonymous": LOGIN}},
    # Anonymous on purpose: load balancers and Docker ask it; it shows no one's data.
    "healthz": {"get": PUBLIC},
    "favicon": {"get": dict.fromkeys(ROLES, 301)},
    # programs
    # Only admins and members of the "Programme office" group (see PROGRAMME_OFFICE below).
    "programs:create": {
        "get": {**dict.fromkeys(ROLES, 403), "anonymous": LOGIN, "admin": 200},
        "post": {**dict.fromkeys(ROLES, 403), "anonymous": LOGIN, "admin": ALLOWED},
    },
    "programs:detail": {"args": slug, "get": TEAM},
    "programs:edit": {"args": slug, "get": MANAGERS, "post": may_post(MANAGERS)},
    "programs:archive": {"args": slug, "post": may_post(MANAGERS)},
    "programs:logo": {"args": slug, "get": TEAM},
    "programs:info_edit": {"args": slug, "get": MANAGERS, "post": may_post(MANAGERS)},
    "programs:privacy_notice": {"args": slug, "get": MANAGERS, "post": may_post(MANAGERS)},
    "programs:announcements": {"args": slug, "get": TEAM, "post": may_post(MANAGERS)},
    "programs:announcement_edit": {
        "args": slug_and("announcement"),
        "get": MANAGERS,
        "post": may_post(MANAGERS),
    },
    "programs:announcement_delete": {
        "args": slug_and("announcement"),
        "post": may_post(MANAGERS),
    },
    "programs:team": {"args": slug, "get": MANAGERS, "post": may_post(MANAGERS)},
    "programs:team_remove": {"args": slug_and("membership"), "post": may_post(MANAGERS)},
    "programs:delegations": {"args": slug, "get": MANAGERS, "post": may_post(MANAGERS)},
    "programs:delegation_edit": {
        "args": slug_and("delegation"),
        "get": MANAGERS,
        "post": may_post(MANAGERS),
    },
    "programs:delegation_delete": {"args": slug_and("delegation"), "post": may_post(MANAGERS)},
    # Calls for nominations: organisers invite and remove a delegation's focal points.
    "programs:focal_points": {
        "args": slug_and("focal_delegation"),
        "get": MANAGERS,
        "post": may_post(MANAGERS),
    },
    "programs:focal_point_remove": {
        "args": lambda w: [
            w.programme.slug,
            w.focal_delegation.pk,
            w.focal_delegation.focal_points.get().pk,
        ],
        "post": may_post(MANAGERS),
    },
    # participants
    "participants:dashboard": {"args": slug, "get": TEAM},
    "participants:list": {"args": slug, "get": TEAM},
    "participants:create": {"args": slug, "get": MANAGERS, "post": may_post(MANAGERS)},
    "participants:detail": {"args": of_delegate_a, "get": TEAM},
    "participants:edit": {"args": of_delegate_a, "get": MANAGERS, "post": may_post(MANAGERS)},
    # A participant's travel legs, edited by the organisers.
    "participants:travel_edit": {
        "args": of_delegate_a,
        "get": MANAGERS,
        "post": may_post(MANAGERS),
    },
    # The form alone (GET) and the change, with its effective date and reason (POST).
    "participants:status": {"args": of_delegate_a, "get": MANAGERS, "post": may_post(MANAGERS)},
    # The delegate's own photo; delegate B must not see it.
    "participants:bulk": {"args": slug, "get": MANAGERS, "post": may_post(MANAGERS)},
    "participants:photo": {"args": of_delegate_a, "get": {**TEAM, "delegate": 200}},
    # The travel desk: staff read a delegate's visa, organisers record it.
    "participants:visa_edit": {"args": of_delegate_a, "get": TEAM, "post": may_post(MANAGERS)},
    "participants:import": {"args": slug, "get": MANAGERS, "post": may_post(MANAGERS)},
    "participants:import_preview": {
        "args": lambda w: [w.programme.slug, w.batch.pk],
        "get": MANAGERS,
        "post": may_post(MANAGERS),
    },
    "participants:import_template": {
        "args": lambda w: [w.programme.slug, "csv"],
        "get": MANAGERS,
    },
    # Everyone's flights from one XLSX file, and its empty template.
    "participants:travel_import": {"args": slug, "get": MANAGERS, "post": may_post(MANAGERS)},
    "participants:travel_import_template": {"args": slug, "get": MANAGERS},
    "participants:export": {"args": lambda w: [w.programme.slug, "csv"], "get": MANAGERS},
    "participants:invite": {"args": of_delegate_a, "post": may_post(MANAGERS)},
    # The link is the key: no one but the invitee's verified address may answer it.
    "participants:invitation": {
        "args": lambda w: [w.invitation_token],
        "get": {**dict.fromkeys(ROLES, 403), "anonymous": 200},
    },
    "participants:my_profile": {"get": DELEGATES, "post": may_post(DELEGATES)},
    # The delegate's own travel legs.
    "participants:my_travel": {"get": DELEGATES, "post": may_post(DELEGATES)},
    # The privacy notice of the delegate's own programme, where they may accept it.
    "participants:my_privacy": {"get": DELEGATES, "post": may_post(DELEGATES)},
    # Who saw passport data: for those who may see it themselves.
    "participants:access_log": {"args": slug, "get": MANAGERS},
    "participants:evaluation": {"get": DELEGATES, "post": may_post(DELEGATES)},
    "participants:evaluation_results": {"args": slug, "get": TEAM},
    "participants:evaluation_questions": {
        "args": slug,
        "get": MANAGERS,
        "post": may_post(MANAGERS),
    },
    "participants:evaluation_question_delete": {
        "args": lambda w: [w.programme.slug, w.question.pk],
        "post": may_post(MANAGERS),
    },
    "participants:evaluation_export": {
        "args": lambda w: [w.programme.slug, "csv"],
        "get": MANAGERS,
    },
    # participants: calls for nominations. Organisers manage the call; the focal point sees
    # the call and their own delegation's nominations; staff get 403 for the call page and
    # 404 for nominations (their people's details are for the host's selection only).
    "participants:nominations": {"args": slug, "get": {**MANAGERS, "focal_point": 200}},
    "participants:call_edit": {"args": slug, "get": MANAGERS, "post": may_post(MANAGERS)},
    "participants:call_close": {"args": slug, "post": may_post(MANAGERS)},
    "participants:call_extend": {"args": slug, "get": MANAGERS, "post": may_post(MANAGERS)},
    "participants:call_questions": {"args": slug, "get": MANAGERS, "post": may_post(MANAGERS)},
    "participants:call_question_delete": {
        "args": lambda w: [w.programme.slug, NominationQuestionFactory(call=w.call).pk],
        "post": may_post(MANAGERS),
    },
    "participants:nomination_create": {
        "args": slug_and("focal_delegation"),
        "get": NOMINATORS,
        "post": may_post(NOMINATORS),
    },
    "participants:nomination_detail": {"args": slug_and("nomination"), "get": NOMINATORS},
    "participants:nomination_edit": {
        "args": slug_and("nomination"),
        "get": NOMINATORS,
        "post": may_post(NOMINATORS),
    },
    "participants:nomination_withdraw": {
        "args": slug_and("nomination"),
        "post": may_post(NOMINATORS),
    },
    # Documents: organisers and the nomination's own focal points only.
    "participants:nomination_document": {"args": nomination_cv, "get": NOMINATORS},
    "participants:nomination_profile_link": {
        "args": slug_and("nomination"),
        "post": may_post(NOMINATORS),
    },
    # The e-mailed link is the key: the candidate may have no account.
    "participants:nomination_profile": {
        "args": nomination_profile_token,
        "get": PUBLIC,
        "post": may_post(PUBLIC),
    },
    # participants: selection of nominated candidates (organisers only; focal points 404)
    "participants:selection": {"args": slug, "get": MANAGERS},
    "participants:selection_decide": {
        "args": slug_and("nomination"),
        "get": MANAGERS,
        "post": may_post(MANAGERS),
    },
    # Group messages: organisers and admins only; focal points are not on the team (404).
    "participants:messages": {"args": slug, "get": MANAGERS},
    "participants:message_compose": {"args": slug, "get": MANAGERS, "post": may_post(MANAGERS)},
    "participants:message_detail": {"args": slug_and("group_message"), "get": MANAGERS},
    "participants:message_retry": {"args": slug_and("group_message"), "post": may_post(MANAGERS)},
    # Daily allowances: the team sees them; organisers and admins change them.
    "participants:allowances": {"args": slug, "get": TEAM},
    "participants:allowance_rates": {"args": slug, "get": TEAM, "post": may_post(MANAGERS)},
    "participants:allowance_rate_delete": {"args": allowance_rate, "post": may_post(MANAGERS)},
    "participants:meal_provision_delete": {"args": meal_provision, "post": may_post(MANAGERS)},
    "participants:allowance_pay": {
        "args": rate_of_delegate_a,
        "get": MANAGERS,
        "post": may_post(MANAGERS),
    },
    "participants:allowance_unpay": {"args": paid_delegate_a, "post": may_post(MANAGERS)},
    # participants: accommodation. The team sees who sleeps where; organisers change it.
    "participants:accommodation": {"args": slug, "get": TEAM},
    "participants:occupancy": {"args": slug, "get": TEAM},
    "participants:hotels": {"args": slug, "get": TEAM, "post": may_post(MANAGERS)},
    "participants:hotel_create": {"args": slug, "get": MANAGERS, "post": may_post(MANAGERS)},
    "participants:hotel_edit": {
        "args": slug_and("hotel"),
        "get": MANAGERS,
        "post": may_post(MANAGERS),
    },
    "participants:hotel_delete": {"args": slug_and("hotel"), "post": may_post(MANAGERS)},
    "participants:room_type_create": {
        "args": slug_and("hotel"),
        "get": MANAGERS,
        "post": may_post(MANAGERS),
    },
    "participants:room_type_edit": {
        "args": slug_and("room_type"),
        "get": MANAGERS,
        "post": may_post(MANAGERS),
    },
    "participants:room_type_delete": {"args": slug_and("room_type"), "post": may_post(MANAGERS)},
    "participants:room_assign": {
        "args": of_delegate_a,
        "get": MANAGERS,
        "post": may_post(MANAGERS),
    },
    "participants:room_unassign": {"args": of_delegate_a, "post": may_post(MANAGERS)},
    # visits: the delegate's own pages
    "visits:my_agenda": {"get": DELEGATES},
    "visits:calendar": {"get": DELEGATES, "post": may_post(DELEGATES)},
    "visits:programme_info": {"get": DELEGATES},
    # The token is the key, for calendar apps that cannot sign in.
    "visits:feed": {"args": lambda w: [w.delegate_a.feed_token], "get": PUBLIC},
    # visits: agenda and timetable
    "visits:agenda": {"args": slug, "get": TEAM},
    "visits:timetable": {"args": slug, "get": TEAM},
    "visits:item_create": {"args": slug, "get": TEAM, "post": may_post(TEAM)},
    "visits:day_duplicate": {
        "args": lambda w: [w.programme.slug, w.programme.start_date.isoformat()],
        "post": may_post(TEAM),
    },
    "visits:item_detail": {"args": item, "get": TEAM},
    "visits:item_edit": {"args": item, "get": TEAM, "post": may_post(TEAM)},
    "visits:item_move": {"args": item, "post": may_post(TEAM)},
    "visits:item_cancel": {"args": item, "post": may_post(TEAM)},
    "visits:item_delete": {"args": item, "post": may_post(TEAM)},
    "visits:group_create": {"args": item, "get": TEAM, "post": may_post(TEAM)},
    "visits:group_edit": {"args": item_and("group"), "get": TEAM, "post": may_post(TEAM)},
    "visits:group_delete": {"args": item_and("group"), "post": may_post(TEAM)},
    "visits:vehicle_create": {"args": item, "get": TEAM, "post": may_post(TEAM)},
    "visits:vehicle_edit": {"args": item_and("vehicle"), "get": TEAM, "post": may_post(TEAM)},
    "visits:vehicle_delete": {"args": item_and("vehicle"), "post": may_post(TEAM)},
    "visits:material_create": {"args": item, "get": TEAM, "post": may_post(TEAM)},
    # Delegate A is booked on the item, delegate B is not.
    "visits:material_download": {"args": item_and("material"), "get": {**TEAM, "delegate": 200}},
    "visits:material_delete": {"args": item_and("material"), "post": may_post(TEAM)},
    # Sites are shared by all programmes: anyone on a team may maintain them.
    "visits:sites": {"get": SITE_EDITORS},
    "visits:site_create": {
        "get": SITE_EDITORS,
        "post": may_post(SITE_EDITORS),
    },
    "visits:site_edit": {
        "args": lambda w: [w.site.pk],
        "get": SITE_EDITORS,
        "post": may_post(SITE_EDITORS),
    },
    # visits: assignment and attendance
    "visits:assign": {"args": item, "get": TEAM, "post": may_post(TEAM)},
    "visits:unassign": {"args": item_and("assignment"), "post": may_post(TEAM)},
    "visits:split_groups": {"args": item, "post": may_post(TEAM)},
    "visits:attendance": {"args": item, "get": TEAM, "post": may_post(TEAM)},
    "visits:attendance_scan": {"args": item, "get": TEAM, "post": may_post(TEAM)},
    "visits:attendance_rates": {"args": slug, "get": TEAM},
    # A withdrawn international delegate's replacement: organisers only.
    "visits:replace": {
        "args": slug_and("withdrawn"),
        "get": MANAGERS,
        "post": may_post(MANAGERS),
    },
    # A withdrawn delegate's seat to the next reserve of the delegation: organisers only.
    "visits:promote_reserve": {"args": slug_and("withdrawn"), "post": may_post(MANAGERS)},
    # visits: airport transfers and the arrivals and departures board (the whole team)
    "visits:transfers": {"args": slug, "get": TEAM, "post": may_post(TEAM)},
    "visits:transfer_run": {"args": slug_and("transfer_run"), "get": TEAM, "post": may_post(TEAM)},
    "visits:transfer_passenger_add": {"args": slug_and("transfer_run"), "post": may_post(TEAM)},
    "visits:transfer_passenger_remove": {
        "args": lambda w: [w.programme.slug, w.transfer_run.pk, w.transfer_passenger.pk],
        "post": may_post(TEAM),
    },
    "visits:travel_board": {"args": slug, "get": TEAM},
    # visits: documentation photos
    "visits:gallery": {"args": slug, "get": TEAM},
    "visits:photo_upload": {"args": item, "get": TEAM, "post": may_post(TEAM)},
    "visits:photo": {"args": slug_and("photo"), "get": TEAM},
    "visits:photo_delete": {"args": slug_and("photo"), "post": may_post(TEAM)},
    "visits:photo_people": {"args": slug_and("photo"), "get": TEAM, "post": may_post(TEAM)},
    # reports: documents
    "reports:list": {"args": slug, "get": ADMINS},
    "reports:generate": {"args": slug, "post": may_post(ADMINS)},
    "reports:badges": {"args": slug, "get": TEAM, "post": may_post(TEAM)},
    # Any organiser of a programme may start a new one from it, without the programme office.
    "reports:programme_copy": {"args": slug, "get": MANAGERS, "post": may_post(MANAGERS)},
    "reports:manifest": {"args": item_and("vehicle"), "get": TEAM, "post": may_post(TEAM)},
    "reports:transfer_manifest": {
        "args": slug_and("transfer_run"),
        "get": TEAM,
        "post": may_post(TEAM),
    },
    # The hotel's rooming list, a working paper of the team like the manifests.
    "reports:rooming_list": {"args": slug_and("hotel"), "get": TEAM, "post": may_post(TEAM)},
    # reports: certificates
    "reports:certificates": {"args": slug, "get": MANAGERS},
    "reports:certificate_template": {"args": slug, "get": MANAGERS, "post": may_post(MANAGERS)},
    "reports:certificate_preview": {"args": slug, "get": MANAGERS},
    "reports:signatory_delete": {"args": slug_and("signatory"), "post": may_post(MANAGERS)},
    "reports:certificate_download": {"args": of_delegate_a, "get": MANAGERS},
    "reports:certificate_revoke": {"args": of_delegate_a, "post": may_post(MANAGERS)},
    "reports:verify_lookup": {"get": PUBLIC},
    "reports:verify": {"args": lambda w: [w.certificate.code], "get": PUBLIC},
    # Delegate B has no certificate: a page says so.
    "reports:my_certificate": {"get": DELEGATES},
    # reports: closing report, visa letters, batch jobs
    "reports:closing_report": {"args": slug, "get": MANAGERS, "post": may_post(MANAGERS)},
    "reports:quote_delete": {"args": slug_and("quote"), "post": may_post(MANAGERS)},
    "reports:visa_letters": {"args": slug, "get": MANAGERS, "post": may_post(MANAGERS)},
    # Personal data: what the programme keeps, and erasure on request (organisers and admins).
    "reports:personal_data": {"args": slug, "get": MANAGERS},
    "reports:participant_erase": {
        "args": of_delegate_a,
        "get": MANAGERS,
        "post": may_post(MANAGERS),
    },
    "reports:jobs": {"args": slug, "get": MANAGERS},
    "reports:job_start": {"args": slug, "post": may_post(ADMINS)},
    "reports:job_status": {"args": lambda w: [w.job.pk], "get": MANAGERS},
    # Files of a job are not even admitted to: 404 rather than 403.
    "reports:job_archive": {"args": lambda w: [w.job.pk], "get": {**MANAGERS, "staff": 404}},
    "reports:job_combined": {"args": lambda w: [w.job.pk], "get": {**MANAGERS, "staff": 404}},
    "reports:job_spreadsheet": {
        "args": lambda w: [w.job.pk],
        "get": {**MANAGERS, "staff": 404},
    },
    "reports:job_retry": {"args": lambda w: [w.job.pk], "post": may_post(ADMINS)},
    "reports:my_agenda_pdf": {"get": DELEGATES},
    # reports: documents of the call for nominations. A focal point gets their own delegation's
    # list (tests/reports/test_nomination_documents.py); the decision record is the host's.
    "reports:nomination_documents": {"args": slug, "get": {**MANAGERS, "focal_point": 200}},
    "reports:nomination_list_xlsx": {"args": slug, "get": {**MANAGERS, "focal_point": 200}},
    "reports:nomination_list_pdf": {
        "args": slug,
        "post": may_post({**MANAGERS, "focal_point": 200}),
    },
    "reports:selection_record_pdf": {"args": slug, "post": may_post(MANAGERS)},
    # reports: the allowance payment sheet and receipts (staff print them, organisers ask).
    "reports:allowance_documents": {"args": slug, "get": TEAM, "post": may_post(MANAGERS)},
    # REST API. The schema and its docs hold no data: public.
    "api_schema": {"get": PUBLIC},
    "api_docs": {"get": PUBLIC},
    # Each user lists the programmes they work on; the programme office (admins here) adds.
    "api:programme-list": {
        "get": {**PUBLIC, "anonymous": 401},
        "post": {**dict.fromkeys(ROLES, 403), "anonymous": 401, "admin": ALLOWED},
    },
    "api:programme-detail": {"args": slug, "get": API_TEAM},
    "api:delegation-list": {"args": slug, "get": API_MANAGERS, "post": may_post(API_MANAGERS)},
    "api:delegation-detail": {"args": slug_and("delegation"), "get": API_MANAGERS},
    "api:participant-list": {"args": slug, "get": API_TEAM, "post": may_post(API_MANAGERS)},
    # A delegate reads their own record (delegate B does not see A's).
    "api:participant-detail": {"args": of_delegate_a, "get": {**API_TEAM, "delegate": 200}},
    # API tokens: each account manages its own; another's is not found.
    "accounts:api_tokens": {"get": SIGNED_IN, "post": may_post(SIGNED_IN)},
    "accounts:api_token_revoke": {
        "args": lambda w: [w.api_token.pk],
        "post": {**dict.fromkeys(ROLES, 404), "anonymous": LOGIN, "organiser": ALLOWED},
    },
}


# The same rows when every signed-in member of the cast is also in the "Programme office" group:
# the group opens the creation of programmes and nothing else (rows not listed here are checked
# unchanged).
PROGRAMME_OFFICE = {
    "programs:create": {
        "get": {**dict.fromkeys(ROLES, 200), "anonymous": LOGIN},
        "post": {**dict.fromkeys(ROLES, ALLOWED), "anonymous": LOGIN},
    },
    "api:programme-list": {"post": {**dict.fromkeys(ROLES, ALLOWED), "anonymous": 401}},
}


# API: agenda items, bookings and attendance, certificates and their verification, generated
# files. Both delegates take part: each reads their own agenda (delegate B's is empty).
API_AGENDA_READERS = {**API_TEAM, "delegate": 200, "delegate_b": 200}
PERMISSIONS.update(
    {
        "api:item-list": {"args": slug, "get": API_AGENDA_READERS},
        # Delegate A is booked on the item; delegate B is not.
        "api:item-detail": {"args": item, "get": {**API_AGENDA_READERS, "delegate_b": 404}},
        "api:item-attendance": {
            "args": item,
            "get": API_TEAM,
            "post": may_post(API_TEAM),
        },
        "api:booking-list": {"args": item, "get": API_TEAM},
        "api:booking-detail": {"args": item_and("assignment"), "get": API_TEAM},
        "api:certificate-list": {"args": slug, "get": API_MANAGERS},
        "api:certificate-detail": {
            "args": lambda w: [w.programme.slug, w.certificate.code],
            "get": API_MANAGERS,
        },
        "api:certificate-file": {
            "args": lambda w: [w.programme.slug, w.certificate.code],
            "get": API_MANAGERS,
        },
        "api:verification-detail": {"args": lambda w: [w.certificate.code], "get": PUBLIC},
        # Staff start badges and manifests, so their (empty) request passes the access checks.
        "api:programme-job-list": {
            "args": slug,
            "get": API_MANAGERS,
            "post": may_post(API_TEAM),
        },
        "api:job-detail": {"args": lambda w: [w.job.pk], "get": API_MANAGERS},
        "api:job-file": {
            "args": lambda w: [w.job.pk, "combined"],
            "get": {**API_MANAGERS, "staff": 404},
        },
    }
)
