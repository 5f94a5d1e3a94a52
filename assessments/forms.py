"""Forms for screening, the assessment's steps, instruments, consent, addenda and onward
referrals. Messages name the field so the GOV.UK error summary reads well."""

import re

from crispy_forms_gds.fields import DateInputField
from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Field, Fieldset, Fluid, Layout, Size
from django import forms
from django.core.exceptions import ValidationError
from django.forms.utils import ErrorDict
from django.http import QueryDict

from referrals.models import Vulnerability

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

_CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def _lower_first(text) -> str:
    text = str(text)
    return text[:1].lower() + text[1:]


class GdsFormMixin:
    """A crispy GOV.UK helper without its own <form> tag, and clearer messages."""

    def _setup(self, *layout):
        for name, field in self.fields.items():
            label = _lower_first(str(field.label or name).rstrip("?"))
            if isinstance(field, forms.ChoiceField | forms.ModelMultipleChoiceField):
                field.error_messages["required"] = f"Select the {label}"
            elif isinstance(field, DateInputField):
                field.error_messages["required"] = f"Enter the {label}"
                field.error_messages["incomplete"] = (
                    f"The {label} must include a day, month and year"
                )
            else:
                field.error_messages["required"] = f"Enter the {label}"
            if isinstance(field, forms.CharField) and field.max_length:
                field.error_messages["max_length"] = (
                    f"The {label} must be {field.max_length} characters or fewer"
                )
        self.helper = FormHelper(self)
        self.helper.form_tag = False
        self.helper.disable_csrf = True
        self.helper.layout = Layout(*layout)

    def clean(self):
        cleaned = super().clean()
        for name, value in cleaned.items():
            if isinstance(value, str) and _CONTROL_CHARS.search(value):
                self.add_error(
                    name,
                    "Remove the hidden control characters (they can come from copying and pasting)",
                )
        return cleaned

    def restore(self):
        """Show a bound form (a restored draft) without running validation on it."""
        self._errors = ErrorDict()
        return self


def draft_querydict(data: dict) -> QueryDict:
    """A saved draft (name -> list of values) as the POST data it came from."""
    query = QueryDict(mutable=True)
    for key, values in (data or {}).items():
        query.setlist(key, values if isinstance(values, list) else [values])
    return query


class GovDateField(DateInputField):
    def __init__(self, *, label, **kwargs):
        super().__init__(label=label, **kwargs)

    def compress(self, data_list):
        try:
            return super().compress(data_list)
        except ValidationError as exc:
            raise ValidationError(
                f"The {_lower_first(self.label)} must be a real date", code="invalid"
            ) from exc


class ScreeningForm(GdsFormMixin, forms.ModelForm):
    screened_on = GovDateField(label="Date screened", help_text="For example, 27 3 2026")
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

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["risk_level"].choices = self.fields["risk_level"].choices[1:]
        self.fields["urgency"].choices = self.fields["urgency"].choices[1:]
        self._setup(
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

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("decision") == ScreeningDecision.NO_FURTHER_ACTION and not cleaned.get(
            "no_further_action_reason"
        ):
            self.add_error("no_further_action_reason", "Select why no further action is needed")
        return cleaned


def section_form_class(section: Section):
    """A form for one step of the assessment. Nothing is required on a step (a step can be
    saved part-done); what is required is checked when the assessment is signed."""

    class SectionForm(GdsFormMixin, forms.ModelForm):
        version = forms.IntegerField(widget=forms.HiddenInput)

        class Meta:
            model = Assessment
            fields = [name for name in section.fields if name != "assessed_on"]
            widgets = {
                "learning_disability": forms.RadioSelect,
                "autism": forms.RadioSelect,
                "adhd": forms.RadioSelect,
                "risk_level": forms.RadioSelect,
                "care_threshold": forms.RadioSelect,
            }

        if "assessed_on" in section.fields:
            assessed_on = GovDateField(
                label="Date of assessment", help_text="For example, 27 3 2026", required=False
            )

        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            if "assessed_on" in self.fields:
                self.initial.setdefault("assessed_on", self.instance.assessed_on)
            layout = []
            for name in section.fields:
                field = self.fields[name]
                field.required = False
                if isinstance(field.widget, forms.RadioSelect):
                    field.choices = [c for c in field.choices if c[0] != ""]
                    layout.append(Field.radios(name, small=True, legend_size=Size.SMALL))
                elif isinstance(field.widget, forms.Textarea):
                    layout.append(Field.textarea(name, rows=5, label_size=Size.SMALL))
                else:
                    layout.append(Field(name))
            self._setup(*layout, Field("version"))

        def section_data(self) -> dict:
            return {name: self.cleaned_data.get(name) for name in section.fields}

    SectionForm.__name__ = f"{section.key.title().replace('_', '')}SectionForm"
    return SectionForm


SECTION_FORMS = {section.key: section_form_class(section) for section in SECTIONS}


class InstrumentForm(forms.Form):
    """One radio group per item, named item_1 ... item_n; unanswered items are allowed
    (the instrument then stays a draft)."""

    def __init__(self, *args, instrument: instruments.Instrument, **kwargs):
        super().__init__(*args, **kwargs)
        self.instrument = instrument
        for number, item in enumerate(instrument.items, start=1):
            field = forms.TypedChoiceField(
                label=item.text,
                choices=[(str(value), label) for value, label in item.options],
                coerce=int,
                empty_value=None,
                required=False,
                widget=forms.RadioSelect,
            )
            field.error_messages["invalid_choice"] = (
                f"{instrument.code} item {number}: select one of the answers shown"
            )
            self.fields[f"item_{number}"] = field
        if instrument.difficulty is not None:
            question = instrument.difficulty
            field = forms.TypedChoiceField(
                label=question.text,
                choices=[(str(value), label) for value, label in question.options],
                coerce=int,
                empty_value=None,
                required=False,
                widget=forms.RadioSelect,
            )
            field.error_messages["invalid_choice"] = (
                f"{instrument.code} last question: select one of the answers shown"
            )
            self.fields["difficulty"] = field

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

    def restore(self):
        self._errors = ErrorDict()
        return self

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


class AddendumForm(GdsFormMixin, forms.Form):
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

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._setup(
            Field.select("section"),
            Field.text("reason"),
            Field.textarea("text", rows=6),
        )


class ConsentForm(GdsFormMixin, forms.Form):
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
    given_on = GovDateField(label="Date of the decision", help_text="For example, 27 3 2026")
    notes = forms.CharField(
        label="Notes",
        max_length=2000,
        widget=forms.Textarea,
        required=False,
        help_text="For example, limits the person put on sharing",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._setup(
            Field.radios("kind", small=True, legend_size=Size.SMALL),
            Field.radios("given", small=True, inline=True, legend_size=Size.SMALL),
            Field.checkboxes("agencies", small=True, legend_size=Size.SMALL),
            Field("given_on"),
            Field.textarea("notes", rows=3),
        )


class ConsentWithdrawForm(GdsFormMixin, forms.Form):
    withdrawn_on = GovDateField(label="Date withdrawn", help_text="For example, 27 3 2026")
    reason = forms.CharField(label="What the person said", max_length=500, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._setup(Field("withdrawn_on"), Field.text("reason"))


class OnwardReferralForm(GdsFormMixin, forms.ModelForm):
    service = forms.ChoiceField(
        label="Service", choices=[("", "Select a service"), *OnwardService.choices]
    )
    referred_on = GovDateField(label="Date referred", help_text="For example, 27 3 2026")

    class Meta:
        model = OnwardReferral
        fields = ["service", "service_name", "referred_on", "reason"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._setup(
            Field.select("service"),
            Field.text("service_name", field_width=Fluid.TWO_THIRDS),
            Field("referred_on"),
            Field.textarea("reason", rows=3),
        )


class OnwardOutcomeForm(GdsFormMixin, forms.Form):
    outcome = forms.ChoiceField(
        label="Outcome", choices=OnwardOutcome.choices, widget=forms.RadioSelect
    )
    outcome_on = GovDateField(
        label="Date of the outcome", required=False, help_text="For example, 27 3 2026"
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._setup(
            Field.radios("outcome", small=True, legend_size=Size.SMALL), Field("outcome_on")
        )


class VersionForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
