from datetime import date

from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.db import transaction

from participants.models import EvaluationQuestion, Participant
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

from . import data


def _hour_minute(text: str) -> tuple[int, int]:
    hour, minute = text.split(":")
    return int(hour), int(minute)


def _account(email: str, password: str, *, superuser: bool = False):
    User = get_user_model()
    first, last = data.ACCOUNT_NAMES.get(email, ("", ""))
    user, created = User.objects.get_or_create(
        email=email,
        defaults={"first_name": first, "last_name": last},
    )
    if created:
        user.set_password(password)
    user.is_superuser = user.is_staff = superuser
    user.save()
    EmailAddress.objects.update_or_create(
        user=user, email=email, defaults={"verified": True, "primary": True}
    )
    return user


@transaction.atomic
def load_demo() -> Programme:
    """Create or update the reference programme; running it again changes nothing.

    Side effects: writes the programme, its sites, agenda, participants and the four demo
    accounts (admin, organiser, staff, delegate) with verified e-mail addresses, and puts the
    organiser in the "Programme office" group.
    """
    programme, _ = Programme.objects.update_or_create(
        slug=data.PROGRAMME["slug"], defaults={**data.PROGRAMME, **data.PRACTICAL_INFORMATION}
    )
    accounts = {}
    for email, password, role in data.ACCOUNTS:
        accounts[role] = _account(email, password, superuser=role == "admin")
    for role in (ProgrammeMembership.Role.ORGANISER, ProgrammeMembership.Role.STAFF):
        ProgrammeMembership.objects.update_or_create(
            programme=programme, user=accounts[role], defaults={"role": role}
        )
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
        email = name.lower().replace(" ", ".") + "@example.org"
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

    sites = {}
    for key, fields in data.SITES.items():
        sites[key], _ = Site.objects.update_or_create(
            name=fields["name"], city=fields["city"], defaults=fields
        )
    for day, start, end, kind, title_en, title_local, site, room, speakers in data.AGENDA:
        on = date(2023, 11, day)
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
                **_visit_logistics(kind, site, programme, on, start, end),
            },
        )
        _book_everyone(session, participants, recorded_by=accounts["staff"])
    _load_information_and_evaluation(programme, author=accounts["organiser"])
    _load_closing_documents(programme)
    return programme


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
    for position, (text_en, text_local, kind, choices) in enumerate(data.EVALUATION_QUESTIONS):
        EvaluationQuestion.objects.update_or_create(
            programme=programme,
            text_en=text_en,
            defaults={
                "text_local": text_local,
                "kind": kind,
                "choices": choices,
                "position": position,
            },
        )


def _load_closing_documents(programme: Programme) -> None:
    # Imported here: the demo sits above every app, but reports is only needed for this step.
    from reports.models import CertificateTemplate, ClosingReport, Quote, Signatory

    report, _ = ClosingReport.objects.update_or_create(
        programme=programme, defaults=data.CLOSING_REPORT
    )
    for position, (speaker, role, text, translation) in enumerate(data.QUOTES):
        Quote.objects.update_or_create(
            report=report,
            position=position,
            defaults={"speaker": speaker, "role": role, "text": text, "translation": translation},
        )
    template, _ = CertificateTemplate.objects.get_or_create(programme=programme)
    for position, (name, title, organisation) in enumerate(data.SIGNATORIES):
        Signatory.objects.update_or_create(
            template=template,
            position=position,
            defaults={"name": name, "title": title, "organisation": organisation},
        )


def _visit_logistics(
    kind: str, site: str, programme: Programme, on: date, start: str, end: str
) -> dict:
    # Visits away from the host travel by bus; the tour of the host's own building does not.
    if kind != Session.Kind.SITE_VISIT or site == "perpusnas":
        return {"capacity": None, "departure_point": "", "departs_at": None, "returns_at": None}
    return {
        "capacity": data.VISIT_CAPACITY,
        "departure_point": data.DEPARTURE_POINT,
        "departs_at": programme.local_datetime(on, *_hour_minute(start)),
        "returns_at": programme.local_datetime(on, *_hour_minute(end)),
    }


def _book_everyone(session: Session, participants: list[Participant], *, recorded_by) -> None:
    """Book every participant on the item, with bus and groups for visits, and attendance."""
    vehicle = groups = None
    if session.departure_point:
        vehicle, _ = Vehicle.objects.update_or_create(
            session=session, name=data.VEHICLE["name"], defaults=data.VEHICLE
        )
        if session.site.name == data.SITES["rawa_binong"]["name"]:
            groups = [
                VisitGroup.objects.update_or_create(
                    session=session,
                    name=name,
                    defaults={"capacity": capacity, "guide_name": guide, "guide_phone": phone},
                )[0]
                for name, capacity, guide, phone in data.RAWA_BINONG_GROUPS
            ]
    absent = {email for title, email in data.ABSENCES if title == session.title_en}
    recorded_at = session.ends_at
    for index, participant in enumerate(participants):
        Assignment.objects.update_or_create(
            session=session,
            participant=participant,
            defaults={
                "vehicle": vehicle,
                "group": groups[index % len(groups)] if groups else None,
                "attended": participant.email not in absent,
                "attendance_recorded_at": recorded_at,
                "attendance_recorded_by": recorded_by,
            },
        )
