"""The outcome report of a closed follow-up round: how many answered, how far the action plans
got, by member country and gender, and what participants agreed to have quoted.

Only participants who may still be counted are in it (`participants.followup_summary`):
withdrawn, declined, erased or non-consenting people appear nowhere. Rendered in the job's
language with each heading's translation beneath, like the closing report. The job kind is
`OUTCOME_REPORT_JOB` below.
"""

from django.utils import timezone, translation
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from participants.followup_models import FollowUpRound
from participants.followup_summary import follow_up_summary, groups, quotes
from programs.models import Programme

from .closing import CountRow, bar_chart_svg, bilingual_headings
from .dates import date_range
from .jobkind import JobKind, Rendered, SubjectGone
from .models import GenerationJob
from .pdf import media_url, render_pdf

OUTCOME_REPORT_TEMPLATE = "reports/pdf/outcome_report.html"

HEADINGS: dict[str, Promise] = {
    "report": gettext_lazy("Outcome report"),
    "responses": gettext_lazy("Responses"),
    "milestones": gettext_lazy("Milestones of the action plans"),
    "countries": gettext_lazy("By member country"),
    "genders": gettext_lazy("By gender"),
    "questions": gettext_lazy("The programme's questions"),
    "quotes": gettext_lazy("In their own words"),
    "sdg": gettext_lazy("Sustainable Development Goals"),
}


def round_of(programme: Programme, round_id: int | None) -> FollowUpRound:
    round_ = FollowUpRound.objects.filter(pk=round_id, programme=programme).first()
    if round_ is None:
        raise SubjectGone(_("The follow-up round no longer exists."))
    round_.programme = programme
    return round_


def outcome_report_context(round_: FollowUpRound, *, language: str) -> dict:
    """Everything the report prints; call it with `language` active."""
    programme = round_.programme
    summary = follow_up_summary(round_, with_texts=False)
    by_country, by_gender = groups(round_)
    status_rows = [CountRow(bar.label, bar.count, bar.percent) for bar in summary.milestone_bars]
    return {
        "programme": programme,
        "round": round_,
        "language": language,
        "headings": bilingual_headings(language, programme.content_language, HEADINGS),
        "dates": date_range(programme.start_date, programme.end_date),
        "summary": summary,
        "status_rows": status_rows,
        "status_chart": bar_chart_svg(
            [(row.label, row.count) for row in status_rows], title=str(HEADINGS["milestones"])
        ),
        "by_country": by_country,
        "by_gender": by_gender,
        "rate_chart": bar_chart_svg(
            [(row.label, row.response_rate) for row in by_country],
            title=_("Response rate by member country"),
            peak=100,
            suffix=" %",
        ),
        # Choice and rating questions only: free texts were not given for publication.
        "questions": [q for q in summary.questions if q.bars],
        "quotes": quotes(round_),
        "logo_url": media_url(programme.logo.name) if programme.logo else "",
        "generated_at": timezone.now(),
    }


def render_outcome_report(round_: FollowUpRound, *, language: str) -> bytes:
    programme = round_.programme
    with translation.override(language), timezone.override(programme.time_zone):
        context = outcome_report_context(round_, language=language)
        allowed = {programme.logo.name} if programme.logo else set()
        return render_pdf(OUTCOME_REPORT_TEMPLATE, context, allowed_media=allowed)


def render_outcome_report_job(job: GenerationJob, item_id: int) -> Rendered:
    round_ = round_of(job.programme, job.follow_up_round_id)
    if not round_.is_closed:
        raise SubjectGone(_("The follow-up round is not closed yet."))
    return Rendered(job.download_name("pdf"), render_outcome_report(round_, language=job.language))


OUTCOME_REPORT_JOB = JobKind(render=render_outcome_report_job, archive=False)
