"""The contact form's and the log filter's date and time boxes: the day before, of and after
each bound (the contact rule's "within a year, not in the future", the filters' 2000 to
today), and hostile input answered with a message on the page, never a 500."""

import datetime
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from contact_log.enums import ContactType
from contact_log.forms import ContactFilterForm, ContactForm
from contact_log.models import Contact

from .factories import ContactFactory

pytestmark = pytest.mark.django_db

LONDON = ZoneInfo("Europe/London")
# Noon on 15 June 2026: a year back (366 days) is noon on 14 June 2025, so 15 June 2025 is
# the first whole day a contact may fall on.
NOW = datetime.datetime(2026, 6, 15, 12, 0, tzinfo=LONDON)
NOT_A_DATE = "Enter the date of the contact as a date, like 27/3/2026"
TOO_EARLY = "Date of the contact must be on or after 15 June 2025"
IN_THE_FUTURE = "Date of the contact must be today or in the past"


@pytest.fixture
def frozen(time_machine):
    time_machine.move_to(NOW, tick=False)


def _contact_errors(date: str, time: str = "9:30") -> dict:
    form = ContactForm(
        {"contact_type": ContactType.PHONE, "date": date, "time": time, "outcome": "made"}
        | {"note": "Spoke to the custody sergeant."},
        links={},
    )
    form.is_valid()
    return {name: errors for name, errors in form.errors.items() if name in ("date", "time")}


@pytest.mark.parametrize(
    ("date", "time", "errors"),
    [
        ("14/6/2025", "23:59", {"date": [TOO_EARLY]}),
        ("15/6/2025", "0:00", {}),
        ("16/6/2025", "9:30", {}),
        ("14/6/2026", "23:59", {}),
        ("15/6/2026", "12:00", {}),
        ("15/6/2026", "12:01", {"time": ["Time of the contact must be now or in the past"]}),
        ("16/6/2026", "0:00", {"date": [IN_THE_FUTURE]}),
    ],
)
def test_contact_date_and_time_the_day_before_of_and_after_each_bound(frozen, date, time, errors):
    assert _contact_errors(date, time) == errors


def test_the_first_day_the_form_offers_is_one_the_service_saves(frozen, client, world):
    client.force_login(world.users.a)
    url = reverse("contact_log:contact_new", args=[world.shared.pk])
    data = {"contact_type": ContactType.PHONE, "outcome": "made", "note": "Late paper note."}

    response = client.post(url, data | {"date": "15/6/2025", "time": "0:00"})

    assert response.status_code == 302
    saved = Contact.objects.get()
    assert saved.contact_at == datetime.datetime(2025, 6, 15, 0, 0, tzinfo=LONDON)


@pytest.mark.parametrize(
    ("date", "time", "field", "message"),
    [
        ("1/1/0001", "9:30", "date", TOO_EARLY),
        ("31/12/9999", "9:30", "date", IN_THE_FUTURE),
        ("9999-12-31", "9:30", "date", NOT_A_DATE),
        ("99999999999999999999/1/2026", "9:30", "date", NOT_A_DATE),
        ("1/6/2026\x00", "9:30", "date", NOT_A_DATE),
        ("31/2/2026", "9:30", "date", "Date of the contact must be a real date"),
        (
            "1/6/2026",
            "99999999999999:00",
            "time",
            "Enter the time of the contact in hours and minutes, like 9:30 or 2:30pm",
        ),
        (
            "1/6/2026",
            "9:30\x00",
            "time",
            "Enter the time of the contact in hours and minutes, like 9:30 or 2:30pm",
        ),
    ],
)
def test_hostile_contact_dates_and_times_get_a_message_and_save_nothing(
    frozen, client, world, date, time, field, message
):
    client.force_login(world.users.a)
    url = reverse("contact_log:contact_new", args=[world.shared.pk])
    data = {"contact_type": ContactType.PHONE, "outcome": "made", "note": "A note."}

    response = client.post(url, data | {"date": date, "time": time})

    assert response.status_code == 400
    assert response.context["form"].errors[field] == [message]
    assert f'href="#id_{field}">{message}' in response.content.decode()
    assert Contact.objects.count() == 0


def _filter_errors(**query) -> dict:
    form = ContactFilterForm(query, authors=[])
    form.is_valid()
    return dict(form.errors)


@pytest.mark.parametrize(
    ("query", "errors"),
    [
        (
            {"date_from": "31/12/1999"},
            {"date_from": ["The ‘from’ date must be on or after 1 January 2000"]},
        ),
        ({"date_from": "1/1/2000"}, {}),
        ({"date_from": "2/1/2000"}, {}),
        ({"date_to": "14/6/2026"}, {}),
        ({"date_to": "15/6/2026"}, {}),
        ({"date_to": "16/6/2026"}, {"date_to": ["The ‘to’ date must be today or in the past"]}),
        (
            {"date_from": "2/6/2026", "date_to": "1/6/2026"},
            {"date_to": ["The ‘to’ date must be the same as or after the ‘from’ date"]},
        ),
        ({"date_from": "1/6/2026", "date_to": "1/6/2026"}, {}),
    ],
)
def test_filter_dates_the_day_before_of_and_after_each_bound(frozen, query, errors):
    assert _filter_errors(**query) == errors


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("date_from=1/1/0001", "The ‘from’ date must be on or after 1 January 2000"),
        ("date_to=31/12/9999", "The ‘to’ date must be today or in the past"),
        ("date_to=9999-12-31", "Enter the ‘to’ date as a date, like 27/3/2026"),
        ("date_from=" + "9" * 5000, "Enter the ‘from’ date as a date, like 27/3/2026"),
        (
            "date_from=99999999999999999999/1/2026",
            "Enter the ‘from’ date as a date, like 27/3/2026",
        ),
        ("date_from=1/6/2026%00", "Enter the ‘from’ date as a date, like 27/3/2026"),
        ("date_to=31/2/2026", "The ‘to’ date must be a real date"),
        ("contact_type=%00", "Select the type of contact from the list"),
        ("author=99999999999999999999999", "Select who recorded the contact from the list"),
    ],
)
def test_hostile_filters_show_a_message_and_the_whole_log(frozen, client, world, query, message):
    ContactFactory(
        person=world.shared,
        practitioner=world.users.a,
        author_team=world.team_a,
        contact_at=NOW - datetime.timedelta(days=3),
        note="Rang about the hostel place.",
    )
    client.force_login(world.users.a)
    url = reverse("contact_log:contact_log", args=[world.shared.pk])

    response = client.get(f"{url}?{query}")

    body = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in body
    assert message in body
    assert "Rang about the hostel place." in body
