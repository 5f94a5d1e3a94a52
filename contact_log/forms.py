"""Forms for the contact log: the GOV.UK form base of treatment_requirements (messages that
name the field, no control characters), its date and time inputs, and the character count."""

import datetime

from crispy_forms_gds.layout import Field, Size
from django import forms
from django.utils import timezone

from treatment_requirements.forms import GdsForm
from treatment_requirements.forms._common import date_field, time_field

from .enums import ContactOutcome, ContactType, RestrictionDecision, RestrictionReason
from .models import NOTE_MAX, contact_time_problem

NOT_RESTRICTED = ""
SEARCH_REQUIRED = "Enter a word or phrase to search the notes for"
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


class ContactForm(GdsForm):
    contact_type = forms.ChoiceField(
        label="Type of contact", choices=[("", "Select a type"), *ContactType.choices]
    )
    date = date_field("Date of the contact")
    time = time_field("Time of the contact")
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
        self.fields["link"].choices = _link_choices(links)
        self.fields["link"].error_messages["invalid_choice"] = (
            "Select a record of this person, or none"
        )

    def clean(self):
        cleaned = super().clean()
        day, at = cleaned.get("date"), cleaned.get("time")
        if day and at:
            when = timezone.make_aware(datetime.datetime.combine(day, at))
            if problem := contact_time_problem(when):
                self.add_error("date", problem)
            cleaned["contact_at"] = when
        return cleaned

    def link_value(self) -> tuple[str, int] | None:
        value = self.cleaned_data.get("link")
        if not value:
            return None
        kind, _, pk = value.partition(":")
        return kind, int(pk)


class VersionedForm(GdsForm):
    version = forms.IntegerField(widget=forms.HiddenInput)


class AddendumForm(VersionedForm):
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


class InErrorForm(VersionedForm):
    reason = forms.CharField(
        label="Why it was recorded in error",
        max_length=500,
        help_text="For example, 'Recorded on the wrong person'. The original stays on the record, struck through",
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    layout = (Field("version"), Field.textarea("reason", rows=3))


class RestrictForm(VersionedForm):
    reason = forms.ChoiceField(
        label="Why restrict this note?", choices=RestrictionReason.choices, widget=forms.RadioSelect
    )
    layout = (Field("version"), Field.radios("reason", legend_size=Size.SMALL))


class ReviewForm(VersionedForm):
    decision = forms.ChoiceField(
        label="Your decision", choices=RestrictionDecision.choices, widget=forms.RadioSelect
    )
    layout = (Field("version"), Field.radios("decision", legend_size=Size.SMALL))


class ContactFilterForm(forms.Form):
    """The log's filters (in the URL: codes, dates and a staff id, never personal data)."""

    contact_type = forms.ChoiceField(
        label="Type", choices=[("", "All types"), *ContactType.choices], required=False
    )
    date_from = forms.DateField(label="From", required=False, help_text="For example, 27/3/2026")
    date_to = forms.DateField(label="To", required=False, help_text="For example, 27/3/2026")
    author = forms.TypedChoiceField(
        label="Recorded by", coerce=int, required=False, empty_value=None
    )

    def __init__(self, *args, authors, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["author"].choices = [("", "Anyone")] + [
            (user.pk, user.get_full_name() or user.get_username()) for user in authors
        ]
        for name in ("date_from", "date_to"):
            self.fields[name].error_messages["invalid"] = (
                f"Enter the '{self.fields[name].label.lower()}' date as a real date, like 27/3/2026"
            )
            self.fields[name].widget.attrs["class"] = "govuk-input govuk-input--width-10"
        self.fields["contact_type"].widget.attrs["class"] = "govuk-select"
        self.fields["author"].widget.attrs["class"] = "govuk-select"

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", "The 'to' date must be the same as or after the 'from' date")
        return cleaned


class ContactSearchForm(GdsForm):
    q = forms.CharField(label="Search the notes", max_length=100, strip=True)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["q"].error_messages["required"] = SEARCH_REQUIRED

    def clean_q(self):
        value = self.cleaned_data["q"]
        if len(value) < 2:
            raise forms.ValidationError("Enter at least 2 characters to search for")
        return value
