"""Forms for the contact log, on the one form base (core.forms): messages that name the
field, one date box and one time box inside the contact rule's bounds, the character count.
"""

import datetime

from crispy_forms_gds.layout import Field, Size
from django import forms
from django.utils import timezone

from core.forms import GovDateField, GovForm, GovTimeField, VersionForm, today

from .enums import ContactOutcome, ContactType, RestrictionDecision, RestrictionReason
from .models import FUTURE_MESSAGE, NOTE_MAX, contact_time_problem, earliest_contact_day

NOT_RESTRICTED = ""
# The filters reach back to the first records the service holds, and no further forward
# than today (a hostile "9999-12-31" gets a message, not a query).
EARLIEST_FILTER_DATE = datetime.date(2000, 1, 1)
LINK_LABELS = {"referral": "Referral", "assessment": "Assessment", "order": "Order"}


def _link_choices(links: dict) -> list:
    choices = [("", "Not linked to a record")]
    for kind, rows in links.items():
        if rows:
            choices.append(
                (
                    LINK_LABELS[kind] + "s",
                    [(f"{kind}:{row.pk}", _link_label(kind, row)) for row in rows],
                )
            )
    return choices


def _link_label(kind: str, row) -> str:
    if kind == "referral":
        return f"Referral {row.reference}, received {timezone.localtime(row.received_at):%-d %b %Y}"
    if kind == "assessment":
        return (
            f"Assessment on referral {row.referral.reference} ({row.get_status_display().lower()})"
        )
    return f"Order {row.reference}, made {row.made_on:%-d %b %Y}"


class ContactForm(GovForm):
    contact_type = forms.ChoiceField(
        label="Type of contact", choices=[("", "Select a type"), *ContactType.choices]
    )
    date = GovDateField(label="Date of the contact", earliest=earliest_contact_day, latest=today)
    time = GovTimeField(label="Time of the contact")
    with_whom = forms.CharField(
        label="With whom (optional)",
        max_length=200,
        required=False,
        help_text="The other person or agency, for example 'Custody sergeant' or 'GP surgery'",
    )
    outcome = forms.ChoiceField(
        label="Outcome", choices=ContactOutcome.choices, widget=forms.RadioSelect
    )
    note = forms.CharField(
        label="Note",
        max_length=NOTE_MAX,
        widget=forms.Textarea(attrs={"rows": 10}),
        help_text="What was discussed or shared, and what happens next. It cannot be edited "
        "once saved: corrections are added as addenda",
    )
    link = forms.ChoiceField(label="Linked record (optional)", required=False)
    restriction = forms.ChoiceField(
        label="Restrict this note?",
        choices=[(NOT_RESTRICTED, "No"), *RestrictionReason.choices],
        initial=NOT_RESTRICTED,
        required=False,
        widget=forms.RadioSelect,
        help_text=(
            "A restricted note is seen only by your team and is withheld from the person's "
            "subject access export until someone else reviews it"
        ),
    )
    layout = (
        Field.select("contact_type"),
        Field("date"),
        Field("time"),
        Field.text("with_whom"),
        Field.radios("outcome", legend_size=Size.SMALL, small=True),
        Field.textarea("note", max_characters=NOTE_MAX, rows=10),
        Field.select("link"),
        Field.radios("restriction", legend_size=Size.SMALL, small=True),
    )

    def __init__(self, *args, links: dict, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["with_whom"].error_label = "With whom"
        self.fields["restriction"].error_name = "whether to restrict this note"
        self.name_fields()
        self.fields["link"].choices = _link_choices(links)
        self.fields["link"].error_messages["invalid_choice"] = (
            "Select a record of this person, or none"
        )

    def clean(self):
        cleaned = super().clean()
        day, at = cleaned.get("date"), cleaned.get("time")
        if day and at:
            when = timezone.make_aware(datetime.datetime.combine(day, at))
            # The date's bounds keep it within the rule's days; only a time later today
            # can still break it.
            if problem := contact_time_problem(when):
                self.add_error("time" if problem == FUTURE_MESSAGE else "date", problem)
            cleaned["contact_at"] = when
        return cleaned

    def link_value(self) -> tuple[str, int] | None:
        value = self.cleaned_data.get("link")
        if not value:
            return None
        kind, _, pk = value.partition(":")
        return kind, int(pk)


class AddendumForm(VersionForm):
    text = forms.CharField(
        label="Addendum",
        max_length=NOTE_MAX,
        widget=forms.Textarea,
        help_text="The correction or addition. The original note stays as it was",
    )
    reason = forms.CharField(
        label="Reason for the addendum",
        max_length=500,
        help_text="For example, 'Wrong time recorded' or 'Further information from the GP'",
    )
    layout = (
        Field("version"),
        Field.textarea("text", max_characters=NOTE_MAX, rows=6),
        Field.text("reason"),
    )


class InErrorForm(VersionForm):
    reason = forms.CharField(
        label="Why it was recorded in error",
        max_length=500,
        help_text="For example, 'Recorded on the wrong person'. The original stays on the record, struck through",
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    layout = (Field("version"), Field.textarea("reason", rows=3))


class RestrictForm(VersionForm):
    reason = forms.ChoiceField(
        label="Why restrict this note?", choices=RestrictionReason.choices, widget=forms.RadioSelect
    )
    layout = (Field("version"), Field.radios("reason", legend_size=Size.SMALL))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reason"].error_name = "why you are restricting this note"
        self.name_fields()


class ReviewForm(VersionForm):
    decision = forms.ChoiceField(
        label="Your decision", choices=RestrictionDecision.choices, widget=forms.RadioSelect
    )
    layout = (Field("version"), Field.radios("decision", legend_size=Size.SMALL))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["decision"].error_name = "your decision"
        self.name_fields()


class ContactFilterForm(GovForm):
    """The log's filters (in the URL: codes, dates and a staff id, never personal data)."""

    contact_type = forms.ChoiceField(
        label="Type", choices=[("", "All types"), *ContactType.choices], required=False
    )
    date_from = GovDateField(
        label="From", required=False, earliest=EARLIEST_FILTER_DATE, latest=today
    )
    date_to = GovDateField(label="To", required=False, earliest=EARLIEST_FILTER_DATE, latest=today)
    author = forms.TypedChoiceField(
        label="Recorded by", coerce=int, required=False, empty_value=None
    )

    def __init__(self, *args, authors, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["author"].choices = [("", "Anyone")] + [
            (user.pk, user.get_full_name() or user.get_username()) for user in authors
        ]
        names = {
            "contact_type": ("the type of contact", "Type of contact"),
            "date_from": ("the ‘from’ date", "The ‘from’ date"),
            "date_to": ("the ‘to’ date", "The ‘to’ date"),
            "author": ("who recorded the contact", "Recorded by"),
        }
        for name, (called, label) in names.items():
            self.fields[name].error_name = called
            self.fields[name].error_label = label
        self.name_fields()

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", "The ‘to’ date must be the same as or after the ‘from’ date")
        return cleaned


class ContactSearchForm(GovForm):
    q = forms.CharField(label="Search the notes", max_length=100, strip=True)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["q"].error_name = "a word or phrase to search the notes for"
        self.fields["q"].error_label = "Your search"
        self.name_fields()

    def clean_q(self):
        value = self.cleaned_data["q"]
        if len(value) < 2:
            raise forms.ValidationError("Enter at least 2 characters to search for")
        return value
