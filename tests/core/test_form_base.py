"""The one form base (core.forms): messages that name the field in the Design System's
words, dates and times typed leniently inside each field's bounds, hostile input answered
with a message, and the phone keyboards."""

import datetime

import pytest
from django import forms
from django.utils import timezone

from core.forms import GovDateField, GovForm, GovModelForm, GovTimeField, today
from referrals.models import Person

pytestmark = pytest.mark.django_db


class ReferralDates(GovForm):
    received_on = GovDateField(
        label="Date of referral", earliest=datetime.date(2000, 1, 1), latest=today
    )
    seen_at = GovTimeField(label="Time seen", required=False)
    what = forms.ChoiceField(label="What happened?", choices=[("a", "Attended")])
    why = forms.ChoiceField(label="Why did the order end?", choices=[("c", "Completed")])
    ended = forms.ChoiceField(
        label="Why did the order end?", choices=[("c", "Completed")], required=False
    )
    adhd = forms.ChoiceField(label="ADHD screen", choices=[("p", "Positive")], required=False)
    sessions = forms.IntegerField(label="Number of sessions", min_value=1, max_value=12)
    note = forms.CharField(label="Note", max_length=10, required=False)
    summary = forms.CharField(label="Summary", widget=forms.Textarea, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["ended"].error_name = "why the order ended"
        self.fields["ended"].required = True
        self.name_fields()


def _errors(**data) -> dict:
    base = {"received_on": "1/1/26", "what": "a", "why": "c", "ended": "c", "sessions": "3"}
    form = ReferralDates({**base, **data})
    form.is_valid()
    return form.errors


def test_every_required_message_names_its_field_in_words_that_read():
    errors = ReferralDates({}).errors

    assert errors["received_on"] == ["Enter the date of referral"]
    assert errors["what"] == ["Select what happened"]
    assert errors["why"] == ["Select an answer to ‘Why did the order end?’"]
    assert errors["ended"] == ["Select why the order ended"]
    assert errors["sessions"] == ["Enter the number of sessions"]


def test_an_acronym_keeps_its_capitals():
    assert _errors(adhd="x")["adhd"] == ["Select the ADHD screen from the list"]


def test_the_bounds_of_a_date_the_day_before_of_and_after_each():
    today_ = timezone.localdate()
    tomorrow = today_ + datetime.timedelta(days=1)

    assert "received_on" not in _errors(received_on=f"{today_:%d/%m/%Y}")
    assert _errors(received_on=f"{tomorrow:%d/%m/%Y}")["received_on"] == [
        "Date of referral must be today or in the past"
    ]
    assert "received_on" not in _errors(received_on="1/1/2000")
    assert _errors(received_on="31/12/1999")["received_on"] == [
        "Date of referral must be on or after 1 January 2000"
    ]


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("1/1/0001", "Date of referral must be on or after 1 January 2000"),
        ("31/12/9999", "Date of referral must be today or in the past"),
        ("9999-12-31", "Enter the date of referral as a date, like 27/3/2026"),
        ("99/99/99999", "Enter the date of referral as a date, like 27/3/2026"),
        ("1" * 400, "Enter the date of referral as a date, like 27/3/2026"),
        ("-1/-1/-2026", "Enter the date of referral as a date, like 27/3/2026"),
        ("\x00", "Enter the date of referral as a date, like 27/3/2026"),
        ("31/2/2026", "Date of referral must be a real date"),
    ],
)
def test_hostile_dates_get_a_message(typed, message):
    assert _errors(received_on=typed)["received_on"] == [message]


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("x", "Number of sessions must be a whole number, like 3"),
        ("9" * 40, "Number of sessions must be 12 or fewer"),
        ("-5", "Number of sessions must be 1 or more"),
        ("0", "Number of sessions must be 1 or more"),
        ("13", "Number of sessions must be 12 or fewer"),
        ("\x00", "Number of sessions must be a whole number, like 3"),
    ],
)
def test_hostile_numbers_get_a_message(typed, message):
    assert _errors(sessions=typed)["sessions"] == [message]


def test_times_are_read_leniently_and_refused_with_the_fields_name():
    form = ReferralDates(
        {
            "received_on": "1/1/26",
            "what": "a",
            "why": "c",
            "ended": "c",
            "sessions": "3",
            "seen_at": "9.30am",
        }
    )
    assert form.is_valid(), form.errors
    assert form.cleaned_data["seen_at"] == datetime.time(9, 30)
    assert _errors(seen_at="25:00")["seen_at"] == [
        "Enter the time seen in hours and minutes, like 9:30 or 2:30pm"
    ]


def test_control_characters_are_refused_in_a_line_and_tabs_kept_in_a_text_area():
    assert _errors(note="a\x00b")["note"] == [
        "Remove the hidden control characters (they can come from copying and pasting)"
    ]
    assert "note" in _errors(note="a\tb")
    assert "summary" not in _errors(summary="line one\n\tline two")
    assert _errors(note="x" * 11)["note"] == ["Note must be 10 characters or fewer"]


def test_phones_get_a_number_pad_for_numbers_and_dates():
    html = str(ReferralDates()["received_on"]) + str(ReferralDates()["sessions"])

    assert 'name="received_on"' in html and 'inputmode="decimal"' in html
    assert 'inputmode="numeric"' in html


def test_a_date_shown_again_reads_as_it_is_typed():
    form = ReferralDates(initial={"received_on": datetime.date(2026, 3, 7)})
    assert 'value="7/3/2026"' in str(form["received_on"])


def test_a_model_forms_dates_become_the_base_date_field():
    class PersonDates(GovModelForm):
        class Meta:
            model = Person
            fields = ["given_name", "date_of_birth"]

    form = PersonDates({"given_name": "Ann", "date_of_birth": "1/1/0001"})

    assert isinstance(form.fields["date_of_birth"], GovDateField)
    assert not form.is_valid()
    assert form.errors["date_of_birth"] == ["Date of birth must be on or after 1 January 1900"]


def test_a_date_or_time_box_with_an_error_gets_the_red_border():
    form = ReferralDates({"received_on": "31/2/2026", "seen_at": "25:00"})
    form.is_valid()

    assert "govuk-input--error" in str(form["received_on"])
    assert "govuk-input--error" in str(form["seen_at"])
    assert "govuk-input--error" not in str(ReferralDates()["received_on"])


def test_a_missing_version_asks_for_a_reload_not_for_the_version():
    from core.forms import VersionForm

    form = VersionForm({})
    assert form.errors["version"] == [
        "This page is out of date: reload it and make your change again"
    ]


def test_two_model_forms_of_one_field_keep_their_own_label_in_the_length_message():
    class Reason(GovModelForm):
        class Meta:
            model = Person
            fields = ["given_name"]

    class OtherLabel(GovModelForm):
        class Meta:
            model = Person
            fields = ["given_name"]
            labels = {"given_name": "First name"}

    too_long = {"given_name": "x" * 500}
    first, second = Reason(too_long), OtherLabel(too_long)

    assert first.errors["given_name"][0].startswith("Given name must be")
    assert second.errors["given_name"][0].startswith("First name must be")


@pytest.mark.parametrize("sent", ["²", "٣", str(2**63), "9" * 40, "-1", "1.0", "\x00"])
def test_a_model_choice_refuses_an_id_no_record_can_have(sent, team):
    class Pick(GovForm):
        person = forms.ModelChoiceField(label="Person", queryset=Person.objects.all())
        people = forms.ModelMultipleChoiceField(label="People", queryset=Person.objects.all())

    form = Pick({"person": sent, "people": [sent]})

    assert form.errors == {
        "person": ["Select the person from the list"],
        "people": ["Select the people from the list"],
    }


def test_record_ids_are_ascii_digits_within_a_database_integer():
    from core.forms import is_record_id

    assert is_record_id("1") and is_record_id(str(2**63 - 1))
    assert not any(is_record_id(v) for v in ["", "²", "1²", str(2**63), "-1", " 1", "1e3"])


@pytest.mark.parametrize(
    "on", [datetime.date(2028, 2, 28), datetime.date(2028, 2, 29), datetime.date(2028, 3, 1)]
)
def test_a_date_field_without_an_upper_bound_works_on_29_february(on, monkeypatch):
    """Its latest day is 10 years on: from 29 February 2028, 28 February 2038 (no twin)."""
    monkeypatch.setattr("core.forms.today", lambda: on)

    class Planned(GovForm):
        planned = GovDateField(label="Planned date")

    latest = Planned().fields["planned"].bounds()[1]
    assert latest == (datetime.date(2038, 2, 28) if on.day == 29 else on.replace(year=2038))
    assert Planned({"planned": f"{latest:%d/%m/%Y}"}).is_valid()
    later = latest + datetime.timedelta(days=1)
    assert not Planned({"planned": f"{later:%d/%m/%Y}"}).is_valid()
