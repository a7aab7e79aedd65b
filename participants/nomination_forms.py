"""Forms of the call for nominations: the organisers' call, its questions and extension; the
focal point's nomination; the candidate's own profile."""

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from programs.languages import label_local_fields, language_name
from programs.models import Programme
from programs.uploads import NOMINATION_DOCUMENT, with_limit

from .evaluation_forms import EvaluationForm, EvaluationQuestionForm
from .nomination_documents import check_nomination_document
from .nomination_models import Nomination, NominationCall, NominationQuestion

DATETIME_LOCAL = "%Y-%m-%dT%H:%M"
DATETIME_INPUT_FORMATS = [DATETIME_LOCAL, "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S"]
DOCUMENT_ACCEPT = ".pdf,.docx,.odt,application/pdf"


def deadline_field(label) -> forms.DateTimeField:
    return forms.DateTimeField(
        label=label,
        input_formats=DATETIME_INPUT_FORMATS,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format=DATETIME_LOCAL),
    )


class ProgrammeTimeForm:
    """Typed times are wall-clock times of the programme, wherever the organiser is."""

    programme: Programme

    def full_clean(self) -> None:
        with timezone.override(self.programme.tzinfo):
            super().full_clean()  # type: ignore[misc]


class NominationCallForm(ProgrammeTimeForm, forms.ModelForm):
    """Open or edit the call: its deadline, who may be nominated, what documents are needed."""

    deadline = deadline_field(_("Deadline"))

    class Meta:
        model = NominationCall
        fields = [
            "deadline",
            "eligibility_en",
            "eligibility_local",
            "requires_cv",
            "requires_nomination_letter",
        ]
        widgets = {
            "eligibility_en": forms.Textarea(attrs={"rows": 5}),
            "eligibility_local": forms.Textarea(attrs={"rows": 5}),
        }

    def __init__(self, *args: Any, programme: Programme, **kwargs: Any) -> None:
        self.programme = programme
        super().__init__(*args, **kwargs)
        self.fields["deadline"].help_text = _(
            "In the programme's time zone (%(zone)s). The call closes by itself at this time."
        ) % {"zone": programme.time_zone}
        self.fields["eligibility_en"].label = _("Who may be nominated (English)")
        label_local_fields(
            self,
            {"eligibility_local": _("Who may be nominated (%(language)s)")},
            programme.content_language,
        )
        if self.instance.pk is not None:
            # Shown in the programme's zone, not the server's.
            self.initial["deadline"] = programme.to_local(self.instance.deadline)

    def clean_deadline(self):
        deadline = self.cleaned_data["deadline"]
        changed = self.instance.pk is None or deadline != self.instance.deadline
        if changed and deadline <= timezone.now():
            raise forms.ValidationError(_("The deadline must be in the future."))
        return deadline


class ExtendCallForm(ProgrammeTimeForm, forms.Form):
    """A later deadline for a call that is closing or closed."""

    deadline = deadline_field(_("New deadline"))

    def __init__(self, *args: Any, call: NominationCall, **kwargs: Any) -> None:
        self.programme = call.programme
        self.call = call
        super().__init__(*args, **kwargs)
        self.fields["deadline"].help_text = _("In the programme's time zone (%(zone)s).") % {
            "zone": self.programme.time_zone
        }

    def clean_deadline(self):
        deadline = self.cleaned_data["deadline"]
        if deadline <= timezone.now():
            raise forms.ValidationError(_("The new deadline must be in the future."))
        if deadline <= self.call.deadline and self.call.is_open():
            raise forms.ValidationError(_("The new deadline must be later than the current one."))
        return deadline


class NominationQuestionForm(EvaluationQuestionForm):
    """An extra question every candidate answers: the evaluation question kinds."""

    class Meta(EvaluationQuestionForm.Meta):
        model = NominationQuestion

    def __init__(self, *args: Any, programme: Programme, **kwargs: Any) -> None:
        super().__init__(*args, programme=programme, **kwargs)
        self.fields["text_local"].help_text = _(
            "Optional: candidates reading in %(language)s see the English otherwise."
        ) % {"language": language_name(programme.content_language)}


class AnswersMixin:
    """One field per question of the call, after the form's own fields (EvaluationForm's)."""

    def add_question_fields(
        self, questions: list[NominationQuestion], nomination: Nomination, *, required: bool
    ) -> None:
        self.questions = questions
        saved = {a.question_id: a for a in nomination.answers.all()} if nomination.pk else {}
        for question in questions:
            name = EvaluationForm.field_name(question)
            field = EvaluationForm._field_for(question)
            field.required = question.required and required
            self.fields[name] = field  # type: ignore[attr-defined]
            answer = saved.get(question.pk)
            if answer is not None:
                is_rating = question.kind == NominationQuestion.Kind.RATING
                self.initial[name] = answer.rating if is_rating else answer.text  # type: ignore[attr-defined]

    @property
    def question_fields(self) -> list:
        return [self[EvaluationForm.field_name(q)] for q in self.questions]  # type: ignore[index]

    def answers(self) -> dict[int, int | str | None]:
        cleaned = self.cleaned_data  # type: ignore[attr-defined]
        return {q.pk: cleaned.get(EvaluationForm.field_name(q)) for q in self.questions}


class DocumentsMixin:
    DOCUMENT_FIELDS = ("cv", "nomination_letter")

    @property
    def person_fields(self) -> list:
        return [self[n] for n in self.Meta.fields if n not in self.DOCUMENT_FIELDS]  # type: ignore[attr-defined,index]

    @property
    def document_fields(self) -> list:
        return [self[n] for n in self.DOCUMENT_FIELDS if n in self.fields]  # type: ignore[attr-defined,index]

    def clean_cv(self):
        return self._clean_document("cv")

    def clean_nomination_letter(self):
        return self._clean_document("nomination_letter")

    def _clean_document(self, name: str):
        upload = self.cleaned_data.get(name)  # type: ignore[attr-defined]
        # A file just uploaded has a size and content type; a kept one is the stored file.
        if upload and hasattr(upload, "content_type"):
            return check_nomination_document(upload)
        return upload

    def setup_documents(self, call: NominationCall) -> None:
        help_text = with_limit(
            _("PDF, Word (DOCX) or OpenDocument (ODT), up to %(limit)s."), NOMINATION_DOCUMENT
        )
        for name in ("cv", "nomination_letter"):
            if name in self.fields:  # type: ignore[attr-defined]
                field = self.fields[name]  # type: ignore[attr-defined]
                field.help_text = help_text
                field.widget = forms.ClearableFileInput(attrs={"accept": DOCUMENT_ACCEPT})


PERSON_FIELDS = [
    "full_name",
    "full_name_latin",
    "gender",
    "position",
    "institution",
    "institution_type",
    "motivation",
]


class NominationForm(DocumentsMixin, AnswersMixin, forms.ModelForm):
    """A focal point's candidate. Only the name, address and the agency's letter are needed
    now: the candidate may complete the rest through their own link."""

    class Meta:
        model = Nomination
        fields = [
            "full_name",
            "full_name_latin",
            "email",
            *PERSON_FIELDS[2:],
            "cv",
            "nomination_letter",
        ]
        widgets = {"motivation": forms.Textarea(attrs={"rows": 4})}

    def __init__(
        self,
        *args: Any,
        call: NominationCall,
        questions: list[NominationQuestion],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.call = call
        self.fields["email"].help_text = _(
            "The candidate's own address: their profile link and the decision go there."
        )
        self.fields["nomination_letter"].required = (
            call.requires_nomination_letter and not self.instance.nomination_letter
        )
        self.setup_documents(call)
        if call.requires_cv:
            self.fields["cv"].help_text = _(
                "Required before the deadline: upload it here, or the candidate does through "
                "their profile link. PDF, Word (DOCX) or OpenDocument (ODT)."
            )
        self.add_question_fields(questions, self.instance, required=False)

    def clean_email(self) -> str:
        email = self.cleaned_data["email"].strip().lower()
        others = Nomination.objects.filter(call=self.call, email__iexact=email).exclude(
            status=Nomination.Status.WITHDRAWN
        )
        if self.instance.pk:
            others = others.exclude(pk=self.instance.pk)
        if others.exists():
            raise forms.ValidationError(_("This person has already been nominated."))
        return email

    def validate_constraints(self, exclude=None) -> None:
        # The e-mail address's uniqueness is checked above, in words the focal point can act on.
        pass


class CandidateProfileForm(DocumentsMixin, AnswersMixin, forms.ModelForm):
    """The candidate's own details, CV and answers, through the link they were e-mailed."""

    class Meta:
        model = Nomination
        fields = [*PERSON_FIELDS, "cv"]
        widgets = {"motivation": forms.Textarea(attrs={"rows": 5})}

    def __init__(
        self, *args: Any, call: NominationCall, questions: list[NominationQuestion], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        for name in ("gender", "position", "institution", "institution_type", "motivation"):
            self.fields[name].required = True
        self.fields["cv"].required = call.requires_cv and not self.instance.cv
        self.setup_documents(call)
        self.add_question_fields(questions, self.instance, required=True)
