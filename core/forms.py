"""The one form base of the service (GOV.UK Design System), its date and time fields, and
helpers shared by the apps.

Every form is a `GovForm` or a `GovModelForm` (tests/core/test_every_form.py walks them all).
The base gives each field:
- messages in the Design System's words that name the field: "Enter the date of birth",
  "Select what happened", "Reason must be 500 characters or fewer", "Number of sessions must
  be a whole number" (a field's `error_name` overrides the derived name where the label
  does not read well in a sentence: "Select why the order ended");
- no hidden control characters in text (NUL included), with a message;
- `inputmode` and `autocomplete` where they help on a phone (number pads for numbers and
  dates);
- one date field (`GovDateField`: one box, typed as people type dates, core.typed_dates,
  with bounds per field: "no referral before 2000 or after today") and one time field
  (`GovTimeField`: "9:30", "0930", "9.30am"); a ModelForm's date and time fields become
  these on their own (the model's validators kept);
- a crispy-forms-gds helper with no form tag (the page's template holds the form tag, the
  CSRF token and the buttons) and the form's `layout`.
"""

import copy
import datetime
import re
from collections.abc import Callable

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Layout
from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator, ProhibitNullCharactersValidator
from django.db import models as django_models
from django.forms.models import ModelChoiceIterator
from django.utils import timezone

from .typed_dates import NotADate, NotATime, parse_date, parse_time

DATE_HINT = "For example, 27/3/2026"
TIME_HINT = "For example, 9:30 or 2:30pm"
# Bounds of a date no field says otherwise about: nothing this service records happened
# before 1900 (dates of birth included) or is planned more than 10 years ahead.
EARLIEST_DATE = datetime.date(1900, 1, 1)
FURTHEST_YEARS_AHEAD = 10
_CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")  # tabs and newlines allowed
_CONTROL_CHARS_SINGLE_LINE = re.compile(r"[\x00-\x1f\x7f]")
CONTROL_CHARS_MESSAGE = (
    "Remove the hidden control characters (they can come from copying and pasting)"
)
_WH_WORDS = {"what", "why", "who", "when", "where", "which", "how", "whether"}
_AUXILIARIES = {
    "is",
    "are",
    "was",
    "were",
    "does",
    "do",
    "did",
    "has",
    "have",
    "had",
    "can",
    "could",
    "will",
    "would",
    "should",
    "may",
    "might",
    "must",
}

DateBound = datetime.date | Callable[[], datetime.date] | None


# The largest id a database integer column holds (PostgreSQL bigint).
MAX_RECORD_ID = 2**63 - 1


def is_record_id(value) -> bool:
    """A record's id as typed in a form or a URL's query: ASCII digits only ("²".isdigit()
    is true, and int() refuses it) and no bigger than a database integer (a larger one
    reaches the database and fails there)."""
    text = str(value)
    return text.isascii() and text.isdigit() and int(text) <= MAX_RECORD_ID


def today() -> datetime.date:
    return timezone.localdate()


def lower_first(text: str) -> str:
    """ "Date of birth" -> "date of birth"; an acronym or initialism keeps its capitals
    ("ADHD screen", "NHS number", "PNC ID")."""
    text = str(text)
    if len(text) > 1 and (text[1].isupper() or text[1].isdigit()):
        return text
    return text[:1].lower() + text[1:]


def label_of(field: forms.Field, name: str) -> str:
    """The field's label as it reads inside a sentence's subject: no trailing "?" or ":"."""
    label = str(field.label or name.replace("_", " ").capitalize())
    return label.strip().rstrip("?:").strip()


def error_name(field: forms.Field, name: str) -> str:
    """What a message calls the field after its verb: `field.error_name` if the form set
    one; "what happened" for a question that reads on after "Select" ("What happened?");
    "an answer to ‘Why did the order end?’" for one that does not (an auxiliary verb
    leads or follows the question word: set `error_name` for better words); else "the date
    of birth"."""
    if getattr(field, "error_name", None):
        return field.error_name
    label = label_of(field, name)
    words = label.lower().split()
    first, second = (words + ["", ""])[:2]
    if first in _AUXILIARIES or (first in _WH_WORDS and second in _AUXILIARIES):
        return f"an answer to ‘{label}?’"
    if first in _WH_WORDS:
        return lower_first(label)
    return f"the {lower_first(label)}"


def _verb(field: forms.Field) -> str:
    if isinstance(field, forms.ChoiceField | forms.ModelChoiceField | forms.BooleanField):
        return "Select"
    if isinstance(field, forms.FileField):
        return "Choose"
    return "Enter"


def _bound(value: DateBound) -> datetime.date | None:
    return value() if callable(value) else value


def long_date(day: datetime.date) -> str:
    """27 March 2026, as the Design System writes dates in messages."""
    return f"{day.day} {day:%B %Y}"


def years_ahead(years: int) -> datetime.date:
    """The same day `years` on; 28 February from a 29 February with no twin that year."""
    now = today()
    try:
        return now.replace(year=now.year + years)
    except ValueError:
        return now.replace(year=now.year + years, day=28)


class _ShowsItsError:
    """The red error border on a box with an error, as GOV.UK's text input has. Django marks
    a field with errors aria-invalid="true"; crispy-forms-gds adds the border only to
    widgets it knows by class name, and a layout's width class replaces the widget's own."""

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        widget_attrs = context["widget"]["attrs"]
        if widget_attrs.get("aria-invalid") in ("true", True):
            classes = widget_attrs.get("class", "")
            if "govuk-input--error" not in classes:
                widget_attrs["class"] = f"{classes} govuk-input--error".strip()
        return context


class GovDateInput(_ShowsItsError, forms.TextInput):
    """One box for a date: a number pad with a full stop on phones (27.3.2026 is read)."""

    def __init__(self, attrs=None):
        defaults = {
            "class": "govuk-input govuk-input--width-10",
            "inputmode": "decimal",
            "autocomplete": "off",
            "spellcheck": "false",
        }
        super().__init__({**defaults, **(attrs or {})})

    def format_value(self, value):
        if isinstance(value, datetime.date):
            return f"{value.day}/{value.month}/{value.year}"
        return super().format_value(value)


class GovDateField(forms.DateField):
    """A date typed as people type them (core.typed_dates), inside [earliest, latest].

    Bounds are dates or callables (read at each clean: "today" moves). The messages name the
    field; the form base fills them in once it knows the label (GovFormMixin).
    """

    widget = GovDateInput

    def __init__(
        self,
        *,
        earliest: DateBound = EARLIEST_DATE,
        latest: DateBound = None,
        earliest_message: str = "",
        latest_message: str = "",
        autocomplete: str = "",
        **kwargs,
    ):
        kwargs.setdefault("help_text", DATE_HINT)
        super().__init__(**kwargs)
        self.earliest = earliest
        self.latest = latest
        self.earliest_message = earliest_message
        self.latest_message = latest_message
        if autocomplete:
            self.widget.attrs["autocomplete"] = autocomplete

    def bounds(self) -> tuple[datetime.date | None, datetime.date]:
        latest = _bound(self.latest)
        if latest is None:
            latest = years_ahead(FURTHEST_YEARS_AHEAD)
        return _bound(self.earliest), latest

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if isinstance(value, datetime.datetime):
            return value.date()
        if isinstance(value, datetime.date):
            return value
        earliest, latest = self.bounds()
        try:
            return parse_date(str(value), earliest=earliest, latest=latest, today=today())
        except NotADate as refusal:
            raise ValidationError(
                self.error_messages[refusal.reason], code=refusal.reason
            ) from None

    def validate(self, value):
        super().validate(value)
        if value is None:
            return
        earliest, latest = self.bounds()
        if earliest is not None and value < earliest:
            raise ValidationError(self.error_messages["too_early"], code="too_early")
        if value > latest:
            raise ValidationError(self.error_messages["too_late"], code="too_late")

    def name_messages(self, name: str, label: str) -> None:
        """Messages that name the field (called by the form base with its label)."""
        earliest, latest = self.bounds()
        self.error_messages["invalid"] = f"Enter {name} as a date, like 27/3/2026"
        self.error_messages["not_real"] = f"{label} must be a real date"
        self.error_messages["century"] = f"Enter the year of {name} in full, like 2026"
        self.error_messages["too_early"] = self.earliest_message or (
            f"{label} must be on or after {long_date(earliest)}" if earliest else ""
        )
        if self.latest_message:
            self.error_messages["too_late"] = self.latest_message
        elif self.latest is today:
            self.error_messages["too_late"] = f"{label} must be today or in the past"
        else:
            self.error_messages["too_late"] = f"{label} must be on or before {long_date(latest)}"


class GovTimeInput(_ShowsItsError, forms.TextInput):
    def __init__(self, attrs=None):
        defaults = {"class": "govuk-input govuk-input--width-5", "autocomplete": "off"}
        super().__init__({**defaults, **(attrs or {})})

    def format_value(self, value):
        if isinstance(value, datetime.time):
            return f"{value:%H:%M}"
        return super().format_value(value)


class GovTimeField(forms.TimeField):
    """A time of day typed as people type them: "9:30", "0930", "9.30am", "noon"."""

    widget = GovTimeInput

    def __init__(self, **kwargs):
        kwargs.setdefault("help_text", TIME_HINT)
        super().__init__(**kwargs)

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if isinstance(value, datetime.time):
            return value
        try:
            return parse_time(str(value))
        except NotATime:
            raise ValidationError(self.error_messages["invalid"], code="invalid") from None

    def name_messages(self, name: str, label: str) -> None:
        self.error_messages["invalid"] = f"Enter {name} in hours and minutes, like 9:30 or 2:30pm"


def _as_gov_field(field: forms.Field) -> forms.Field:
    """A plain date or time field (a ModelForm's, say) as the base's own."""
    if type(field) is forms.DateField:
        gov = GovDateField
    elif type(field) is forms.TimeField:
        gov = GovTimeField
    else:
        return field
    replacement = gov(
        label=field.label,
        required=field.required,
        initial=field.initial,
        disabled=field.disabled,
        **({"help_text": field.help_text} if field.help_text else {}),
    )
    replacement.validators.extend(field.validators)
    return replacement


class GovFormMixin:
    """The behaviour every form shares (see the module's docstring)."""

    layout: tuple = ()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            self.fields[name] = _as_gov_field(field)
            _refuse_impossible_ids(self.fields[name])
        self.name_fields()
        self.helper = FormHelper(self)
        self.helper.form_tag = False
        self.helper.disable_csrf = True
        if self.layout:
            self.helper.layout = Layout(*self.layout)

    def name_fields(self) -> None:
        """Messages naming each field, control-character checks, phone keyboards. Forms that
        add or relabel fields after __init__ call it again."""
        for name, field in self.fields.items():
            _name_field(field, name)

    def clean(self):
        cleaned = super().clean()
        for name, value in list(cleaned.items()):
            field = self.fields.get(name)
            if not isinstance(value, str) or field is None:
                continue
            multiline = isinstance(field.widget, forms.Textarea)
            pattern = _CONTROL_CHARS if multiline else _CONTROL_CHARS_SINGLE_LINE
            if pattern.search(value):
                self.add_error(name, CONTROL_CHARS_MESSAGE)
        return cleaned


def _named(validator, message: str):
    """A copy of `validator` with `message`: a ModelForm's fields share their model field's
    validator objects, so another form's label must not end up in this one's message."""
    named = copy.copy(validator)
    named.message = message
    return named


_INTEGER_KEYS = (django_models.AutoField, django_models.BigAutoField, django_models.IntegerField)


def _refuse_impossible_ids(field: forms.Field) -> None:
    """A model choice field looks a chosen id up as sent: "²" or 2**63 would reach the
    database and fail there (a 500). Refuse them as any other choice not on the list. (The
    queryset may be set after the form's __init__: it is read when the field is cleaned.)"""
    if not isinstance(field, forms.ModelChoiceField) or field.to_field_name:
        return
    checked = field.clean

    def clean(value):
        integer_keys = isinstance(field.queryset.model._meta.pk, _INTEGER_KEYS)
        values = value if isinstance(value, list | tuple) else [value]
        if integer_keys and any(
            v not in field.empty_values and not is_record_id(v) for v in values
        ):
            raise ValidationError(
                field.error_messages["invalid_choice"], code="invalid_choice", params={"value": ""}
            )
        return checked(value)

    field.clean = clean


def _name_field(field: forms.Field, name: str) -> None:
    called = error_name(field, name)
    label = getattr(field, "error_label", None) or label_of(field, name)
    field.error_messages["required"] = f"{_verb(field)} {called}"
    if isinstance(field, GovDateField | GovTimeField):
        field.name_messages(called, label)
    elif isinstance(field, forms.IntegerField):
        field.error_messages["invalid"] = f"{label} must be a whole number, like 3"
        field.widget.attrs.setdefault("inputmode", "numeric")
        field.validators = [
            _named(v, f"{label} must be {v.limit_value} or more")
            if getattr(v, "code", "") == "min_value"
            else _named(v, f"{label} must be {v.limit_value} or fewer")
            if getattr(v, "code", "") == "max_value"
            else v
            for v in field.validators
        ]
    elif isinstance(field, forms.DecimalField | forms.FloatField):
        field.error_messages["invalid"] = f"{label} must be a number, like 2.5"
        field.widget.attrs.setdefault("inputmode", "decimal")
    if isinstance(field, forms.ChoiceField | forms.ModelChoiceField):
        field.error_messages["invalid_choice"] = f"Select {called} from the list"  # noqa: S608 - an error message, not SQL  # nosec B608
    if isinstance(field, forms.CharField):
        # NUL bytes get the same message as other control characters (clean() above).
        field.validators = [
            _named(v, f"{label} must be {v.limit_value} characters or fewer")
            if isinstance(v, MaxLengthValidator)
            else v
            for v in field.validators
            if not isinstance(v, ProhibitNullCharactersValidator)
        ]


class GovForm(GovFormMixin, forms.Form):
    pass


class GovModelForm(GovFormMixin, forms.ModelForm):
    pass


class VersionForm(GovForm):
    """The version a page was read at (optimistic locking: a stale save is refused)."""

    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Missing or altered only if the page was tampered with or is very old.
        stale = "This page is out of date: reload it and make your change again"
        self.fields["version"].error_messages.update(required=stale, invalid=stale)


class _ListedChoiceIterator(ModelChoiceIterator):
    """Reads the choices with one plain query. Django's iterator uses queryset.iterator(),
    which on PostgreSQL opens a server-side cursor (three round trips) for every render."""

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        for obj in self.queryset:
            yield self.choice(obj)


class ShortModelChoiceField(forms.ModelChoiceField):
    """A ModelChoiceField for short lists (a team's sites or officers) rendered on busy pages."""

    iterator = _ListedChoiceIterator
