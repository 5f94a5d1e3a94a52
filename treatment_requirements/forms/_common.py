"""The GOV.UK form base (clear messages, no control characters) and shared fields."""

import re

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Layout
from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

from accounts.enums import TeamKind
from accounts.models import Team

_CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


DATE_HINT = "For example, 27/3/2026"


def _lower_first(text) -> str:
    text = str(text)
    return text[:1].lower() + text[1:]


def date_field(label, *, required=True, hint=DATE_HINT):
    field = forms.DateField(label=label, required=required, help_text=hint)
    field.widget.attrs.update({"class": "govuk-input govuk-input--width-10", "autocomplete": "off"})
    field.error_messages["invalid"] = (
        f"Enter the {_lower_first(label)} as a real date, like 27/3/2026"
    )
    return field


def time_field(label):
    field = forms.TimeField(label=label, help_text="24-hour clock, for example 14:30")
    field.widget.attrs.update({"class": "govuk-input govuk-input--width-5"})
    field.error_messages["invalid"] = f"Enter the {_lower_first(label)} like 14:30"
    return field


def providers():
    return Team.objects.filter(kind=TeamKind.TREATMENT_PROVIDER, is_active=True).order_by("name")


class GdsForm(forms.Form):
    """Clear required/length messages, no control characters, a crispy helper with no tag."""

    layout: tuple = ()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            label = _lower_first(str(field.label or name).rstrip("?"))
            verb = "Select" if isinstance(field, forms.ChoiceField) else "Enter"
            field.error_messages.setdefault("required", f"{verb} the {label}")
            field.error_messages["required"] = f"{verb} the {label}"
            if isinstance(field, forms.CharField) and field.max_length:
                field.error_messages["max_length"] = (
                    f"The {label} must be {field.max_length} characters or fewer"
                )
        self.helper = FormHelper(self)
        self.helper.form_tag = False
        self.helper.disable_csrf = True
        if self.layout:
            self.helper.layout = Layout(*self.layout)

    def clean(self):
        cleaned = super().clean()
        for name, value in list(cleaned.items()):
            if isinstance(value, str) and _CONTROL_CHARS.search(value):
                self.add_error(
                    name,
                    "Remove the hidden control characters (they can come from copying and pasting)",
                )
        return cleaned


def _not_future(value, label):
    if value and value > timezone.localdate():
        raise ValidationError(f"The {label} cannot be in the future")
    return value


class VersionForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
