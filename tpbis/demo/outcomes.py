"""The demo's outcomes of the Jakarta programme: the SDG targets it serves, action plans of
several delegates (some shared for the reports, some not, one still a draft, one commented by
the organiser) and a few alumni listings. Sample data; loading twice changes nothing."""

from datetime import date, datetime

from participants.action_plan_models import ActionPlan, ActionPlanComment, Milestone
from participants.alumni_models import AlumniListing
from programs.models import Programme

# Literacy, inclusion, cultural heritage and public access to information.
SDG_TARGETS = ["4.6", "10.2", "11.4", "16.10"]

# e-mail: (goal, activities, partners, shared in reports, submitted, milestones)
PLANS = {
    "delegate@example.org": (
        "Open a community reading corner in two district libraries of Hanoi, on the model of "
        "the village libraries visited in Bogor.",
        "Train four librarians in community-based literacy activities; hold a monthly "
        "reading day for children and parents; report to the National Library.",
        "Hanoi Department of Culture; two district libraries; a parents' association",
        True,
        True,
        [
            ("Training of four librarians", date(2024, 2, 15)),
            ("First reading corner open", date(2024, 6, 1)),
            ("Second reading corner open", date(2024, 12, 1)),
        ],
    ),
    "sita.shrestha@example.org": (
        "Make the Nepal National Library's services reach women in rural municipalities.",
        "Survey three municipalities; start a mobile library day each month; write a "
        "proposal for a women's reading club.",
        "Local municipal offices; a women's cooperative",
        True,
        True,
        [
            ("Survey of three municipalities", date(2024, 3, 31)),
            ("First mobile library day", date(2024, 5, 15)),
        ],
    ),
    "nimal.perera@example.org": (
        "Start a digitisation plan for the palm-leaf manuscripts of the national collection.",
        "List the manuscripts by condition; apply for a preservation grant.",
        "University of Peradeniya",
        False,
        True,
        [("Condition survey finished", date(2024, 8, 30))],
    ),
    "siti.rahmawati@example.org": (
        "Bring the social-inclusion model to five village libraries in West Java.",
        "Visit the village libraries; plan a training for their volunteers.",
        "",
        True,
        False,
        [("Visits to five village libraries", date(2024, 4, 30))],
    ),
}
SUBMITTED_AT = datetime.fromisoformat("2023-11-17T15:30:00+07:00")
COMMENT = (
    "delegate@example.org",
    "A clear plan. Perpusnas can send you the training material of the village library "
    "programme: write to us when you plan the training.",
)

# e-mail: (topics, share e-mail and phone)
ALUMNI = {
    "delegate@example.org": ("Children's reading, community libraries", True),
    "sita.shrestha@example.org": ("Rural outreach, mobile libraries, women's reading clubs", True),
    "kavitha.rajendran@example.org": ("Tamil collections, public library programmes", False),
    "siti.rahmawati@example.org": ("Village libraries, volunteer training", False),
}


def load_outcomes(programme: Programme, *, organiser) -> None:
    """Side effects: sets the programme's SDG targets; creates or updates the sample plans with
    their milestones, the organiser's comment and the alumni listings."""
    Programme.objects.filter(pk=programme.pk).update(sdg_targets=SDG_TARGETS)
    programme.sdg_targets = SDG_TARGETS
    participants = {p.email: p for p in programme.participants.filter(email__in=[*PLANS, *ALUMNI])}
    for email, (goal, activities, partners, shared, submitted, milestones) in PLANS.items():
        fields = {
            "goal": goal,
            "activities": activities,
            "partners": partners,
            "share_in_reports": shared,
            "submitted_at": SUBMITTED_AT if submitted else None,
        }
        # An update of the rows leaves `updated_at` as it was: loading again changes nothing.
        plans = ActionPlan.objects.filter(participant=participants[email])
        if not plans.update(**fields):
            ActionPlan.objects.create(participant=participants[email], **fields)
        plan = plans.get()
        for title, due_on in milestones:
            Milestone.objects.update_or_create(plan=plan, title=title, defaults={"due_on": due_on})
    email, text = COMMENT
    ActionPlanComment.objects.get_or_create(
        plan=participants[email].action_plan, author=organiser, text=text
    )
    for email, (topics, share_contact) in ALUMNI.items():
        AlumniListing.objects.update_or_create(
            participant=participants[email],
            defaults={"topics": topics, "share_contact": share_contact},
        )
