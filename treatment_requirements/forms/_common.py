"""What the forms of orders share: the providers offered, and the bounds of a date field
set from the record the form is about (an order's start, a failure's date)."""

import re

from django import forms

from accounts.enums import TeamKind
from accounts.models import Team
from core.forms import DateBound, lower_first

_ASIDE = re.compile(r"\s*\([^)]*\)$")


def providers():
    return Team.objects.filter(kind=TeamKind.TREATMENT_PROVIDER, is_active=True).order_by("name")


def without_asides(form) -> None:
    """Messages name a field without its label's aside: "Notes must be 255 characters or
    fewer", not "Notes (optional) must be ..."; "Select the requirement from the list".
    The form calls `name_fields()` afterwards."""
    for field in form.fields.values():
        plain = _ASIDE.sub("", str(field.label or ""))
        if plain == str(field.label or ""):
            continue
        field.error_label = plain
        if isinstance(field, forms.ChoiceField | forms.ModelChoiceField):
            field.error_name = getattr(field, "error_name", "") or f"the {lower_first(plain)}"


def require(form, name: str, message: str) -> None:
    """A field that this answer makes required: the message once, unless the field already
    has one (hidden control characters, too long)."""
    if name not in form.errors and not str(form.cleaned_data.get(name) or "").strip():
        form.add_error(name, message)


def bound(
    field,
    *,
    earliest: DateBound = None,
    latest: DateBound = None,
    earliest_message: str = "",
    latest_message: str = "",
    error_name: str = "",
    error_label: str = "",
) -> None:
    """Give a GovDateField its bounds (and the words its messages use); the form calls
    `name_fields()` afterwards, which writes the messages."""
    field.earliest, field.latest = earliest, latest
    field.earliest_message, field.latest_message = earliest_message, latest_message
    if error_name:
        field.error_name = error_name
    if error_label:
        field.error_label = error_label
