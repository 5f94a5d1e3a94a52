"""Forms for screening, the assessment's steps, instruments, consent, addenda and onward
referrals, on the one form base (core.forms): messages name the field, dates are one box.

Dates about a referral may be neither before it was received nor after today: the forms
say so when they know the referral (a section knows it through its assessment), and the
services say the same words either way (services.check_day)."""

import datetime

from crispy_forms_gds.layout import Field, Fieldset, Fluid, Layout, Size
from django import forms
from django.forms.utils import ErrorDict
from django.http import QueryDict

from core.forms import (
    GovDateField,
    GovForm,
    GovModelForm,
    VersionForm,  # noqa: F401  (the views import it from here)
    today,
)
from referrals.models import Referral, Vulnerability

from . import instruments
from .enums import (
    NO_FURTHER_ACTION_REASONS,
    Agency,
    ConsentKind,
    OnwardOutcome,
    OnwardService,
    ScreeningDecision,
)
from .models import Assessment, OnwardReferral, Screening
from .sections import SECTIONS, Section
from .services import before_received_message, referral_received_on

# No referral this service holds was received before 2000: the earliest of any date about one.
EARLIEST_REFERRAL_DATE = datetime.date(2000, 1, 1)
# Three-box dates of drafts typed before dates became one box ("screened_on_0" ...).
_THREE_BOX_DATE_NAMES = ("screened_on", "assessed_on")


class RestorableDraftMixin:
    def restore(self):
        """Show a bound form (a restored draft) without running validation on it."""
        self._errors = ErrorDict()
        return self


def draft_querydict(data: dict) -> QueryDict:
    """A saved draft (name -> list of values) as the POST data it came from."""
    query = QueryDict(mutable=True)
    for key, values in (data or {}).items():
        query.setlist(key, values if isinstance(values, list) else [values])
    for name in _THREE_BOX_DATE_NAMES:
        parts = [query.pop(f"{name}_{index}", [""])[-1] for index in range(3)]
        if any(parts) and name not in query:
            query[name] = "/".join(parts)
    return query


def referral_date_field(label: str, **kwargs) -> GovDateField:
    """A date about a referral: from 2000 to today (narrowed to the referral's own dates
    by `bound_by_referral` when the form knows it)."""
    return GovDateField(label=label, earliest=EARLIEST_REFERRAL_DATE, latest=today, **kwargs)


def bound_by_referral(form: GovForm | GovModelForm, name: str, referral: Referral | None):
    """The date `name` may not be before the referral was received (the services' rule)."""
    if referral is None or name not in form.fields:
        return
    field = form.fields[name]
    received = referral_received_on(referral)
    field.earliest = received
    field.earliest_message = before_received_message(field.label, received)
    form.name_fields()


class ScreeningForm(RestorableDraftMixin, GovModelForm):
    screened_on = referral_date_field("Date screened")
    vulnerabilities = forms.ModelMultipleChoiceField(
        queryset=Vulnerability.objects.filter(is_active=True),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        label="Vulnerabilities found",
        help_text="Select all that apply",
    )
    decision = forms.ChoiceField(
        choices=ScreeningDecision.choices, widget=forms.RadioSelect, label="Decision"
    )
    no_further_action_reason = forms.ChoiceField(
        choices=[("", "Select a reason"), *NO_FURTHER_ACTION_REASONS],
        required=False,
        label="Reason for no further action",
    )
    layout = (
        Field("screened_on"),
        Field.checkboxes("vulnerabilities", small=True, legend_size=Size.SMALL),
        Fieldset(
            Field.radios("risk_level", small=True, legend_size=Size.SMALL),
            Field.radios("urgency", small=True, legend_size=Size.SMALL),
            Field.textarea("risk_notes", rows=3),
            legend="Risk and urgency",
            legend_size=Size.MEDIUM,
        ),
        Fieldset(
            Field.radios("decision", small=True, legend_size=Size.SMALL),
            Field.select("no_further_action_reason"),
            Field.textarea("decision_notes", rows=3),
            legend="What happens next",
            legend_size=Size.MEDIUM,
        ),
    )

    class Meta:
        model = Screening
        fields = [
            "screened_on",
            "vulnerabilities",
            "risk_level",
            "urgency",
            "risk_notes",
            "decision",
            "no_further_action_reason",
            "decision_notes",
        ]
        widgets = {"risk_level": forms.RadioSelect, "urgency": forms.RadioSelect}

    def __init__(self, *args, referral: Referral | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["risk_level"].choices = self.fields["risk_level"].choices[1:]
        self.fields["urgency"].choices = self.fields["urgency"].choices[1:]
        self.fields["no_further_action_reason"].error_name = "why no further action is needed"
        self.name_fields()
        bound_by_referral(self, "screened_on", referral)

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("decision") == ScreeningDecision.NO_FURTHER_ACTION and not cleaned.get(
            "no_further_action_reason"
        ):
            field = self.fields["no_further_action_reason"]
            self.add_error("no_further_action_reason", field.error_messages["required"])
        return cleaned


# Radios whose label is a bare noun ("ADHD"): the question they answer, for the messages.
_SECTION_ERROR_NAMES = {
    "learning_disability": "whether there is an indication of a learning disability",
    "autism": "whether there is an indication of autism",
    "adhd": "whether there is an indication of ADHD",
}


def section_form_class(section: Section):
    """A form for one step of the assessment. Nothing is required on a step (a step can be
    saved part-done); what is required is checked when the assessment is signed. A date
    on the step is bounded by the assessment's referral."""

    class SectionForm(RestorableDraftMixin, GovModelForm):
        version = forms.IntegerField(widget=forms.HiddenInput)

        class Meta:
            model = Assessment
            fields = list(section.fields)
            widgets = {
                "learning_disability": forms.RadioSelect,
                "autism": forms.RadioSelect,
                "adhd": forms.RadioSelect,
                "risk_level": forms.RadioSelect,
                "care_threshold": forms.RadioSelect,
            }

        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            layout = []
            for name in section.fields:
                field = self.fields[name]
                field.required = False
                field.error_name = _SECTION_ERROR_NAMES.get(name, "")
                if isinstance(field, GovDateField):
                    field.earliest, field.latest = EARLIEST_REFERRAL_DATE, today
                    layout.append(Field(name))
                elif isinstance(field.widget, forms.RadioSelect):
                    field.choices = [c for c in field.choices if c[0] != ""]
                    layout.append(Field.radios(name, small=True, legend_size=Size.SMALL))
                elif isinstance(field.widget, forms.Textarea):
                    layout.append(Field.textarea(name, rows=5, label_size=Size.SMALL))
                else:
                    layout.append(Field(name))
            self.helper.layout = Layout(*layout, Field("version"))
            self.name_fields()
            for name in section.fields:
                if isinstance(self.fields[name], GovDateField):
                    bound_by_referral(self, name, getattr(self.instance, "referral", None))

        def section_data(self) -> dict:
            return {name: self.cleaned_data.get(name) for name in section.fields}

    SectionForm.__name__ = f"{section.key.title().replace('_', '')}SectionForm"
    SectionForm.__qualname__ = SectionForm.__name__
    return SectionForm


SECTION_FORMS = {section.key: section_form_class(section) for section in SECTIONS}


class InstrumentForm(RestorableDraftMixin, GovForm):
    """One radio group per item, named item_1 ... item_n; unanswered items are allowed
    (the instrument then stays a draft). Messages call an item by its number on the page
    ("Select an answer to question 9"): its wording is too long for the error summary."""

    def __init__(self, *args, instrument: instruments.Instrument, **kwargs):
        super().__init__(*args, **kwargs)
        self.instrument = instrument
        for number, item in enumerate(instrument.items, start=1):
            self.fields[f"item_{number}"] = _answer_field(item, f"an answer to question {number}")
        if instrument.difficulty is not None:
            self.fields["difficulty"] = _answer_field(
                instrument.difficulty, "an answer to the last question"
            )
        self.name_fields()
        for field in self.fields.values():
            # Radios: the answer is picked from those shown, not from a list.
            field.error_messages["invalid_choice"] = field.error_messages["required"]

    def answers(self) -> list[int | None]:
        count = len(self.instrument.items)
        return [self.cleaned_data.get(f"item_{n}") for n in range(1, count + 1)]

    def difficulty_answer(self) -> int | None:
        """The answer to the unscored last question of PHQ-9 and GAD-7 (None if not asked)."""
        return self.cleaned_data.get("difficulty")

    def difficulty_row(self):
        """The unscored last question for the template (None for other instruments)."""
        question = self.instrument.difficulty
        if question is None:
            return None
        bound = self["difficulty"]
        options = [
            {
                "value": str(value),
                "label": label,
                "id": f"{bound.auto_id}_{index}",
                "checked": str(bound.value()) == str(value),
            }
            for index, (value, label) in enumerate(question.options)
        ]
        return {"item": question, "field": bound, "options": options}

    def rows(self):
        """(number, item, bound field, points per option) for the template."""
        for number, item in enumerate(self.instrument.items, start=1):
            bound = self[f"item_{number}"]
            options = [
                {
                    "value": str(value),
                    "label": label,
                    "points": item.points(value),
                    "id": f"{bound.auto_id}_{index}",
                    "checked": str(bound.value()) == str(value),
                }
                for index, (value, label) in enumerate(item.options)
            ]
            yield {"number": number, "item": item, "field": bound, "options": options}


def _answer_field(item: instruments.Item, error_name: str) -> forms.TypedChoiceField:
    field = forms.TypedChoiceField(
        label=item.text,
        choices=[(str(value), label) for value, label in item.options],
        coerce=int,
        empty_value=None,
        required=False,
        widget=forms.RadioSelect,
    )
    field.error_name = error_name
    return field


class AddendumForm(GovForm):
    section = forms.ChoiceField(
        label="Which part of the assessment does it correct or add to?",
        choices=[("", "The assessment as a whole"), *[(s.key, s.title) for s in SECTIONS]],
        required=False,
    )
    reason = forms.CharField(
        label="Reason for the addendum",
        max_length=500,
        help_text="For example, information received after signing",
    )
    text = forms.CharField(label="Addendum", max_length=8000, widget=forms.Textarea)
    layout = (Field.select("section"), Field.text("reason"), Field.textarea("text", rows=6))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["section"].error_name = "the part of the assessment the addendum is about"
        self.name_fields()


class ConsentForm(GovForm):
    kind = forms.ChoiceField(
        label="What is the consent for?", choices=ConsentKind.choices, widget=forms.RadioSelect
    )
    given = forms.TypedChoiceField(
        label="Does the person consent?",
        choices=[("yes", "Yes"), ("no", "No")],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
    )
    agencies = forms.MultipleChoiceField(
        label="Who may the assessment be shared with?",
        choices=Agency.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text="Only for consent to share. Select all the person agreed to.",
    )
    given_on = referral_date_field("Date of the decision")
    notes = forms.CharField(
        label="Notes",
        max_length=2000,
        widget=forms.Textarea,
        required=False,
        help_text="For example, limits the person put on sharing",
    )
    layout = (
        Field.radios("kind", small=True, legend_size=Size.SMALL),
        Field.radios("given", small=True, inline=True, legend_size=Size.SMALL),
        Field.checkboxes("agencies", small=True, legend_size=Size.SMALL),
        Field("given_on"),
        Field.textarea("notes", rows=3),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].error_name = "what the consent is for"
        self.fields["given"].error_name = "whether the person consents"
        self.fields["agencies"].error_name = "who the assessment may be shared with"
        self.name_fields()


class ConsentWithdrawForm(GovForm):
    withdrawn_on = referral_date_field("Date withdrawn")
    reason = forms.CharField(label="What the person said", max_length=500, required=False)
    layout = (Field("withdrawn_on"), Field.text("reason"))


class OnwardReferralForm(GovModelForm):
    service = forms.ChoiceField(
        label="Service", choices=[("", "Select a service"), *OnwardService.choices]
    )
    referred_on = referral_date_field("Date referred")
    layout = (
        Field.select("service"),
        Field.text("service_name", field_width=Fluid.TWO_THIRDS),
        Field("referred_on"),
        Field.textarea("reason", rows=3),
    )

    class Meta:
        model = OnwardReferral
        fields = ["service", "service_name", "referred_on", "reason"]


class OnwardOutcomeForm(GovForm):
    outcome = forms.ChoiceField(
        label="Outcome", choices=OnwardOutcome.choices, widget=forms.RadioSelect
    )
    outcome_on = referral_date_field("Date of the outcome", required=False)
    layout = (Field.radios("outcome", small=True, legend_size=Size.SMALL), Field("outcome_on"))
