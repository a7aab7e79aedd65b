"""Documents of the call for nominations: the nomination list (of one delegation, or of the
whole call) and the selection decision record kept on file. The job kinds are
`NOMINATION_LIST_JOB` and `SELECTION_RECORD_JOB` below.

The list is what a delegation put forward and where each candidate stands; it is shared with
the delegation's focal points, so it carries no decision notes. The record is the host's:
the call, the quotas, every decision with its note, who made it and when, and the balance of
what was decided.
"""

from collections import Counter
from dataclasses import dataclass, field

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from participants.nomination_exports import documents_present, nominations_for_documents
from participants.nomination_models import Nomination, NominationCall
from participants.selection import balance_summary
from programs.models import Delegation, Programme, in_current_language

from .jobkind import JobKind, Rendered, SubjectGone
from .models import GenerationJob
from .pdf import render_pdf

NOMINATION_LIST_TEMPLATE = "reports/pdf/nomination_list.html"
SELECTION_RECORD_TEMPLATE = "reports/pdf/selection_record.html"
Status = Nomination.Status
# The statuses of a decision; withdrawn candidates are listed apart from them.
DECIDED = (Status.SELECTED, Status.RESERVE, Status.NOT_SELECTED)
STATUS_ORDER = {Status.SELECTED: 0, Status.RESERVE: 1, Status.NOMINATED: 2, Status.NOT_SELECTED: 3}


def call_of(programme: Programme) -> NominationCall:
    call = NominationCall.objects.filter(programme=programme).first()
    if call is None:
        raise SubjectGone(_("The programme has no call for nominations."))
    call.programme = programme
    return call


@dataclass
class DelegationNominations:
    """One delegation's quota and its nominations, with their counts by status."""

    delegation: Delegation
    nominations: list[Nomination] = field(default_factory=list)

    @property
    def counts(self) -> Counter:
        return Counter(nomination.status for nomination in self.nominations)

    @property
    def active_count(self) -> int:
        """Nominations that count against the quota: all but the withdrawn."""
        return sum(1 for n in self.nominations if n.status != Status.WITHDRAWN)

    @property
    def selected(self) -> int:
        return self.counts[Status.SELECTED]

    @property
    def reserve(self) -> int:
        return self.counts[Status.RESERVE]

    @property
    def not_selected(self) -> int:
        return self.counts[Status.NOT_SELECTED]

    @property
    def undecided(self) -> int:
        return self.counts[Status.NOMINATED]

    @property
    def withdrawn(self) -> int:
        return self.counts[Status.WITHDRAWN]


def _decision_key(nomination: Nomination) -> tuple:
    # Selected first, then the reserves by rank, then the rest; withdrawn last.
    rank = nomination.reserve_rank if nomination.reserve_rank is not None else 1_000_000
    return (STATUS_ORDER.get(nomination.status, 9), rank, nomination.created_at, nomination.pk)


def by_delegation(
    delegations: QuerySet[Delegation], nominations: QuerySet[Nomination]
) -> list[DelegationNominations]:
    """Each delegation (those without nominations too) with its nominations, decided first."""
    groups = {
        delegation.pk: DelegationNominations(delegation)
        for delegation in delegations.select_related("country", "province")
    }
    for nomination in nominations_for_documents(nominations):
        group = groups.get(nomination.delegation_id)
        if group is not None:
            nomination.documents = documents_present(nomination)
            group.nominations.append(nomination)
    for group in groups.values():
        group.nominations.sort(key=_decision_key)
    return list(groups.values())


def call_facts(call: NominationCall) -> dict:
    programme = call.programme
    documents = []
    if call.requires_cv:
        documents.append(_("CV"))
    if call.requires_nomination_letter:
        documents.append(_("Nomination letter"))
    return {
        "call": call,
        "eligibility": in_current_language(
            call.eligibility_local, programme.content_language, call.eligibility_en
        ),
        "required_documents": documents,
        "question_count": call.questions.count(),
    }


def nomination_list_context(programme: Programme, *, delegation_id: int | None) -> dict:
    """The call's nominations, of one delegation or of all, grouped by delegation."""
    call = call_of(programme)
    delegations = programme.delegations.all()
    nominations = call.nominations.all()
    if delegation_id is not None:
        delegations = delegations.filter(pk=delegation_id)
        nominations = nominations.filter(delegation_id=delegation_id)
    groups = by_delegation(delegations, nominations)
    if delegation_id is not None and not groups:
        raise SubjectGone(_("The delegation no longer exists."))
    return {
        "programme": programme,
        **call_facts(call),
        "delegation": groups[0].delegation if delegation_id is not None else None,
        "groups": groups,
        "nomination_count": sum(len(group.nominations) for group in groups),
        "generated_at": timezone.now(),
    }


def selection_balance(groups: list[DelegationNominations]) -> dict:
    """The totals of the decisions, over the delegations (the balance by gender, category and
    country is the selection page's, `participants.selection.balance_summary`)."""
    nominations = [n for group in groups for n in group.nominations]
    selected = [n for n in nominations if n.status == Status.SELECTED]
    return {
        "delegations_selected": sum(1 for group in groups if group.selected),
        "delegations_nominating": sum(1 for group in groups if group.active_count),
        "delegation_count": len(groups),
        "selected": len(selected),
        "reserve": sum(1 for n in nominations if n.status == Status.RESERVE),
        "seats": sum(group.delegation.seats for group in groups),
        "reserves": sum(group.delegation.reserves for group in groups),
        "nominated": sum(group.active_count for group in groups),
        "undecided": sum(group.undecided for group in groups),
        "not_selected": sum(group.not_selected for group in groups),
        "withdrawn": sum(group.withdrawn for group in groups),
    }


def selection_record_context(programme: Programme) -> dict:
    call = call_of(programme)
    groups = by_delegation(programme.delegations.all(), call.nominations.all())
    balance = selection_balance(groups)
    summary = balance_summary(call)
    return {
        "programme": programme,
        **call_facts(call),
        "groups": groups,
        "balance": balance,
        # By country or region: the table of seats and reserves by delegation. The same
        # balance as the selection page shows: candidates in the running and those selected.
        "balance_tables": [
            (_("By gender"), summary.genders),
            (_("By category"), summary.categories),
            (_("First-time countries"), summary.first_time_countries),
        ],
        "generated_at": timezone.now(),
    }


def render_nomination_list(job: GenerationJob, item_id: int) -> Rendered:
    context = nomination_list_context(job.programme, delegation_id=job.delegation_id)
    return Rendered(job.download_name("pdf"), render_pdf(NOMINATION_LIST_TEMPLATE, context))


def render_selection_record(job: GenerationJob, item_id: int) -> Rendered:
    context = selection_record_context(job.programme)
    return Rendered(job.download_name("pdf"), render_pdf(SELECTION_RECORD_TEMPLATE, context))


NOMINATION_LIST_JOB = JobKind(render=render_nomination_list, archive=False)
SELECTION_RECORD_JOB = JobKind(render=render_selection_record, archive=False)
