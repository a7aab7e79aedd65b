from datetime import date
from types import ModuleType

from django.db import transaction

from participants.models import EvaluationQuestion, Participant
from participants.services import change_status
from programs.models import (
    Announcement,
    Delegation,
    MemberCountry,
    Programme,
    ProgrammeMembership,
    Province,
)
from programs.services import (
    ensure_member_countries,
    ensure_provinces,
    programme_office_group,
)
from visits.models import Assignment, Session, Site, Vehicle, VisitGroup
from visits.withdrawals import replace_participant

from . import allowances, colombo, data, jakarta_call, nominations, outcomes, transfers, travel
from .accounts import demo_account
from .follow_up import load_follow_up
from .lodging import COLOMBO, JAKARTA, load_lodging
from .visas import load_visas


def _hour_minute(text: str) -> tuple[int, int]:
    hour, minute = text.split(":")
    return int(hour), int(minute)


def _account(email: str, password: str, *, superuser: bool = False):
    first_name, last_name = data.ACCOUNT_NAMES.get(email, ("", ""))
    return demo_account(
        email, password, first_name=first_name, last_name=last_name, superuser=superuser
    )


@transaction.atomic
def load_demo() -> Programme:
    """Create or update the reference programme and the sample hosted in Colombo; running it
    again changes nothing.

    Side effects: writes the programme, its sites, agenda, participants and the four demo
    accounts (admin, organiser, staff, delegate) with verified e-mail addresses, and puts the
    organiser in the "Programme office" group; the closed call for nominations, its
    candidates and the focal-point accounts of the delegations (`nominations`); the
    international delegates' flights (`travel`) and their pick-ups at the airport (`transfers`);
    its SDG targets, action plans and alumni listings (`outcomes`); follow-up surveys after
    the programme (`follow_up`); then the sample programme (`load_colombo_sample`).
    """
    programme, _ = Programme.objects.update_or_create(
        slug=data.PROGRAMME["slug"], defaults={**data.PROGRAMME, **data.PRACTICAL_INFORMATION}
    )
    accounts = {}
    for email, password, role in data.ACCOUNTS:
        accounts[role] = _account(email, password, superuser=role == "admin")
    _add_organisers_and_staff(programme, accounts)
    # The sample organiser also works in the programme office: they may create programmes.
    programme_office_group().user_set.add(accounts["organiser"])

    ensure_member_countries()
    ensure_provinces()
    countries = {c.country.code: c for c in MemberCountry.objects.all()}
    provinces = {p.name: p for p in Province.objects.all()}
    for code, (seats, agency) in data.INTERNATIONAL_SEATS.items():
        Delegation.objects.update_or_create(
            programme=programme,
            country=countries[code],
            defaults={"seats": seats, "nominating_agency": agency},
        )
    for region, *_rest in data.DOMESTIC:
        province = provinces[data.PROVINCE_OF_REGION[region]]
        locality = "" if region.startswith("Provinsi ") else region
        Delegation.objects.update_or_create(
            programme=programme,
            province=province,
            locality=locality,
            defaults={"seats": 1, "nominating_agency": _rest[-1]},
        )
    participants = []
    for code, name, latin, gender, position, institution, email in data.INTERNATIONAL:
        nationality, passport, expiry = data.PASSPORTS[email]
        participant, _ = Participant.objects.update_or_create(
            programme=programme,
            email=email,
            defaults={
                "category": Participant.Category.INTERNATIONAL,
                "status": Participant.Status.COMPLETED,
                "full_name": name,
                "full_name_latin": latin,
                "gender": gender,
                "country": countries[code],
                "region": "",
                "position": position,
                "institution": institution,
                "user": accounts["delegate"] if email == data.DELEGATE_EMAIL else None,
                "nationality": nationality,
                "passport_number": passport,
                "passport_expiry": date.fromisoformat(expiry),
            },
        )
        participants.append(participant)
    for region, name, gender, position, institution in data.DOMESTIC:
        email = _sample_email(name)
        participant, _ = Participant.objects.update_or_create(
            programme=programme,
            email=email,
            defaults={
                "category": Participant.Category.DOMESTIC,
                "status": Participant.Status.COMPLETED,
                "full_name": name,
                "full_name_latin": "",
                "gender": gender,
                "country": countries["ID"],
                "province": provinces[data.PROVINCE_OF_REGION[region]],
                "region": region,
                "position": position,
                "institution": institution,
            },
        )
        participants.append(participant)
    load_visas(programme)

    focal_points = nominations.load_focal_points(
        programme, jakarta_call, organiser=accounts["organiser"]
    )
    nominations.load_call(
        programme, jakarta_call, organiser=accounts["organiser"], focal_points=focal_points
    )
    _load_agenda(programme, data, participants)
    _record_attendance(programme, recorded_by=accounts["staff"], absences=data.ABSENCES)
    _load_information_and_evaluation(programme, author=accounts["organiser"])
    _load_closing_documents(programme, data)
    travel.load_legs(programme, travel.JAKARTA_LEGS)
    allowances.load_allowances(programme, allowances.JAKARTA, paid_by=accounts["organiser"])
    transfers.load_airport_pickups(programme, transfers.JAKARTA_DRIVERS)
    load_lodging(programme, JAKARTA)
    outcomes.load_outcomes(programme, organiser=accounts["organiser"])
    # After the plans written above: participants without one get a small one there.
    load_follow_up(programme)
    load_colombo_sample(accounts)
    return programme


def _add_organisers_and_staff(programme: Programme, accounts: dict) -> None:
    for role in (ProgrammeMembership.Role.ORGANISER, ProgrammeMembership.Role.STAFF):
        ProgrammeMembership.objects.update_or_create(
            programme=programme, user=accounts[role], defaults={"role": role}
        )


def load_colombo_sample(accounts: dict) -> Programme:
    """Create or update the sample programme hosted in Sri Lanka; running it again changes
    nothing.

    The Nepali delegate's withdrawal and replacement go through the services organisers use
    (their bookings from that day released and taken over), once.

    Side effects: writes the programme with its delegations, participants, agenda and
    bookings, attendance, closing report texts and certificate template; makes the demo
    organiser and staff its organiser and staff.
    """
    source = colombo
    programme, _ = Programme.objects.update_or_create(
        slug=source.PROGRAMME["slug"],
        defaults={**source.PROGRAMME, **source.PRACTICAL_INFORMATION},
    )
    _add_organisers_and_staff(programme, accounts)
    countries = {c.country.code: c for c in MemberCountry.objects.all()}
    for code, (seats, agency) in source.INTERNATIONAL_SEATS.items():
        Delegation.objects.update_or_create(
            programme=programme,
            country=countries[code],
            defaults={"seats": seats, "nominating_agency": agency},
        )
    for subdivision, district, *_rest, institution in source.DOMESTIC:
        Delegation.objects.update_or_create(
            programme=programme,
            subdivision=subdivision,
            locality=district,
            defaults={"seats": 1, "nominating_agency": institution},
        )
    participants = [
        _colombo_delegate(programme, row, countries, status=Participant.Status.COMPLETED)
        for row in source.INTERNATIONAL
    ]
    # Created as arrived: the withdrawal below moves them on, once.
    leaver = _colombo_delegate(
        programme, source.WITHDRAWN, countries, status=Participant.Status.ARRIVED
    )
    participants.append(leaver)
    for subdivision, district, name, latin, gender, position, institution in source.DOMESTIC:
        participant, _ = Participant.objects.update_or_create(
            programme=programme,
            email=_sample_email(latin),
            defaults={
                "category": Participant.Category.DOMESTIC,
                "status": Participant.Status.COMPLETED,
                "full_name": name,
                "full_name_latin": latin,
                "gender": gender,
                "country": countries[source.PROGRAMME["host_country"]],
                "subdivision": subdivision,
                "region": district,
                "position": position,
                "institution": institution,
            },
        )
        participants.append(participant)
    _load_agenda(programme, source, participants)
    organiser = accounts["organiser"]
    if leaver.status != Participant.Status.WITHDRAWN:
        change_status(
            participant=leaver,
            to_status=Participant.Status.WITHDRAWN,
            by=organiser,
            effective_on=source.WITHDRAWAL_EFFECTIVE_ON,
            reason=source.WITHDRAWAL_REASON,
        )
    if not Participant.objects.filter(replaces=leaver).exists():
        email, fields = _delegate_fields(source.REPLACEMENT, countries)
        replacement = replace_participant(
            withdrawn=leaver,
            replacement=Participant(
                programme=programme, status=Participant.Status.ARRIVED, email=email, **fields
            ),
            by=organiser,
        ).participant
        change_status(
            participant=replacement,
            to_status=Participant.Status.COMPLETED,
            by=organiser,
            effective_on=programme.end_date,
        )
    _record_attendance(programme, recorded_by=accounts["staff"], absences=[])
    _load_closing_documents(programme, source)
    travel.load_legs(programme, travel.COLOMBO_LEGS)
    allowances.load_allowances(programme, allowances.COLOMBO, paid_by=organiser)
    transfers.load_airport_pickups(programme, transfers.COLOMBO_DRIVERS)
    load_lodging(programme, COLOMBO)
    return programme


def _sample_email(latin_name: str) -> str:
    return latin_name.lower().replace(" ", ".") + "@example.org"


def _delegate_fields(row: tuple, countries: dict) -> tuple[str, dict]:
    """An international delegate's e-mail and fields, from a row of the sample's data."""
    code, name, latin, gender, position, institution, email, passport = row
    nationality, number, expiry = passport
    return email, {
        "category": Participant.Category.INTERNATIONAL,
        "full_name": name,
        "full_name_latin": latin,
        "gender": gender,
        "country": countries[code],
        "position": position,
        "institution": institution,
        "nationality": nationality,
        "passport_number": number,
        "passport_expiry": date.fromisoformat(expiry),
    }


def _colombo_delegate(
    programme: Programme, row: tuple, countries: dict, *, status: str
) -> Participant:
    email, fields = _delegate_fields(row, countries)
    participant, _ = Participant.objects.update_or_create(
        programme=programme,
        email=email,
        defaults=fields,
        # The status only on creation: a later withdrawal is kept.
        create_defaults={**fields, "status": status},
    )
    return participant


def _load_information_and_evaluation(programme: Programme, *, author) -> None:
    for title, body, day in data.ANNOUNCEMENTS:
        Announcement.objects.update_or_create(
            programme=programme,
            title=title,
            defaults={
                "body": body,
                "published_at": programme.local_datetime(date(2023, 11, day - 1), 17),
                "created_by": author,
            },
        )
    nominations.save_questions(EvaluationQuestion, data.EVALUATION_QUESTIONS, programme=programme)


def _load_closing_documents(programme: Programme, source: ModuleType) -> None:
    # Imported here: the demo sits above every app, but reports is only needed for this step.
    from reports.models import CertificateTemplate, ClosingReport, Quote, Signatory

    report, _ = ClosingReport.objects.update_or_create(
        programme=programme, defaults=source.CLOSING_REPORT
    )
    for position, (speaker, role, text, translation) in enumerate(getattr(source, "QUOTES", [])):
        Quote.objects.update_or_create(
            report=report,
            position=position,
            defaults={"speaker": speaker, "role": role, "text": text, "translation": translation},
        )
    # The default local wording is Indonesian: a programme in another language brings its own.
    template, _ = CertificateTemplate.objects.update_or_create(
        programme=programme, defaults=getattr(source, "CERTIFICATE", {})
    )
    for position, (name, title, organisation) in enumerate(source.SIGNATORIES):
        Signatory.objects.update_or_create(
            template=template,
            position=position,
            defaults={"name": name, "title": title, "organisation": organisation},
        )


def _load_agenda(programme: Programme, source: ModuleType, participants: list[Participant]) -> None:
    """The agenda of `source` (a data module) with everyone booked who is active at the time.

    A participant who has withdrawn is not booked again from the day they left: their later
    bookings were released (and taken over by their replacement).
    """
    sites = {}
    for key, fields in source.SITES.items():
        sites[key], _ = Site.objects.update_or_create(
            name=fields["name"], city=fields["city"], defaults=fields
        )
    year, month = source.AGENDA_YEAR_MONTH
    for day, start, end, kind, title_en, title_local, site, room, speakers in source.AGENDA:
        on = date(year, month, day)
        session, _ = Session.objects.update_or_create(
            programme=programme,
            title_en=title_en,
            defaults={
                "kind": kind,
                "title_local": title_local,
                "starts_at": programme.local_datetime(on, *_hour_minute(start)),
                "ends_at": programme.local_datetime(on, *_hour_minute(end)),
                "site": sites[site],
                "room": room,
                "speakers": speakers,
                **_visit_logistics(source, kind, site, programme, on, start, end),
            },
        )
        _book_everyone(source, session, participants, group_site=sites[source.GROUPS_AT])


def _visit_logistics(
    source: ModuleType, kind: str, site: str, programme: Programme, on: date, start: str, end: str
) -> dict:
    # Visits away from the host travel by bus; the tour of the host's own building does not.
    if kind != Session.Kind.SITE_VISIT or site == source.HOST_SITE:
        return {"capacity": None, "departure_point": "", "departs_at": None, "returns_at": None}
    return {
        "capacity": source.VISIT_CAPACITY,
        "departure_point": source.DEPARTURE_POINT,
        "departs_at": programme.local_datetime(on, *_hour_minute(start)),
        "returns_at": programme.local_datetime(on, *_hour_minute(end)),
    }


def _book_everyone(
    source: ModuleType, session: Session, participants: list[Participant], *, group_site: Site
) -> None:
    """Book every participant active at the item's start, with bus and groups for visits."""
    vehicle = groups = None
    if session.departure_point:
        vehicle, _ = Vehicle.objects.update_or_create(
            session=session, name=source.VEHICLE["name"], defaults=source.VEHICLE
        )
        if session.site_id == group_site.pk:
            groups = [
                VisitGroup.objects.update_or_create(
                    session=session,
                    name=name,
                    defaults={"capacity": capacity, "guide_name": guide, "guide_phone": phone},
                )[0]
                for name, capacity, guide, phone in source.GROUPS
            ]
    for index, participant in enumerate(participants):
        if participant.has_left_by(session.starts_at):
            continue
        Assignment.objects.update_or_create(
            session=session,
            participant=participant,
            defaults={"vehicle": vehicle, "group": groups[index % len(groups)] if groups else None},
        )


def _record_attendance(programme: Programme, *, recorded_by, absences: list) -> None:
    """Attendance as recorded at the end of each item: present, except the `absences`
    (agenda title, participant e-mail) pairs."""
    absent = set(absences)
    bookings = list(
        Assignment.objects.filter(session__programme=programme).select_related(
            "session", "participant"
        )
    )
    for booking in bookings:
        booking.attended = (booking.session.title_en, booking.participant.email) not in absent
        booking.attendance_recorded_at = booking.session.ends_at
        booking.attendance_recorded_by = recorded_by
    Assignment.objects.bulk_update(
        bookings, ["attended", "attendance_recorded_at", "attendance_recorded_by"]
    )
