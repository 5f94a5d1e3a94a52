"""The risk flag forms' date boxes: the day before, of and after each bound the rules set
(raised and reviewed from 1 January 2000 to today, the next review today or later), in the
rules' own words, and hostile input answered with a message, never a 500."""

import datetime
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from risks import rules
from risks.forms import RiskFlagRaiseForm, RiskFlagReviewForm
from risks.models import RiskFlag
from tests.factories import PersonFactory, ReferralFactory

from .factories import raise_flag

pytestmark = pytest.mark.django_db

# Half past midnight on 1 April 2026 in London is still 31 March in UTC: the bounds are
# London dates, as the rules say.
NOW = datetime.datetime(2026, 4, 1, 0, 30, tzinfo=ZoneInfo("Europe/London"))
NOT_A_DATE = "Enter the date raised as a date, like 27/3/2026"


@pytest.fixture
def frozen(time_machine):
    time_machine.move_to(NOW, tick=False)


@pytest.fixture
def person(practitioner, site):
    person = PersonFactory(team=practitioner.team, given_name="Ada", family_name="Riskwell")
    ReferralFactory(person=person, site=site)
    return person


def _raise_errors(**dates) -> dict:
    form = RiskFlagRaiseForm({"risk_type": "risk_to_staff", **dates})
    form.is_valid()
    return dict(form.errors)


@pytest.mark.parametrize(
    ("dates", "errors"),
    [
        ({"raised_on": "31/12/1999"}, {"raised_on": [rules.RAISED_ON_TOO_EARLY]}),
        ({"raised_on": "1/1/2000", "next_review_on": "1/4/2026"}, {}),
        ({"raised_on": "2/1/2000", "next_review_on": "1/4/2026"}, {}),
        ({"raised_on": "31/3/2026"}, {}),
        ({"raised_on": "1/4/2026"}, {}),
        ({"raised_on": "2/4/2026"}, {"raised_on": ["Date raised must be today or in the past"]}),
        (
            {"raised_on": "1/3/2026", "next_review_on": "31/3/2026"},
            {"next_review_on": ["Next review date must be today or in the future"]},
        ),
        ({"raised_on": "1/3/2026", "next_review_on": "1/4/2026"}, {}),
        ({"raised_on": "1/3/2026", "next_review_on": "2/4/2026"}, {}),
    ],
)
def test_raise_dates_the_day_before_of_and_after_each_bound(frozen, dates, errors):
    assert _raise_errors(**dates) == errors


@pytest.mark.parametrize(
    ("reviewed_on", "next_review_on", "errors"),
    [
        ("31/12/1999", "1/5/2026", {"reviewed_on": [rules.REVIEWED_ON_TOO_EARLY]}),
        ("1/1/2000", "1/5/2026", {}),
        ("1/4/2026", "1/5/2026", {}),
        ("2/4/2026", "1/5/2026", {"reviewed_on": [rules.REVIEWED_ON_FUTURE]}),
        ("1/4/2026", "31/3/2026", {"next_review_on": [rules.NEXT_REVIEW_PAST]}),
        ("1/4/2026", "1/4/2026", {}),
    ],
)
def test_review_dates_the_day_before_of_and_after_each_bound(
    frozen, reviewed_on, next_review_on, errors
):
    form = RiskFlagReviewForm(
        {"version": 1, "reviewed_on": reviewed_on, "next_review_on": next_review_on}
        | {"note": "Still stands."}
    )
    form.is_valid()

    assert dict(form.errors) == errors


def test_the_form_and_the_rules_agree_on_the_date_raised(frozen):
    today = rules.today()
    for raised_on in (
        datetime.date(1999, 12, 31),
        datetime.date(2000, 1, 1),
        today,
        today + datetime.timedelta(days=1),
    ):
        typed = f"{raised_on.day}/{raised_on.month}/{raised_on.year}"
        form_errors = _raise_errors(raised_on=typed, next_review_on=f"{today:%d/%m/%Y}")
        assert form_errors.get("raised_on", [None]) == [rules.raised_on_error(raised_on, today)]


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("1/1/0001", rules.RAISED_ON_TOO_EARLY),
        ("31/12/9999", rules.RAISED_ON_FUTURE),
        ("9999-12-31", NOT_A_DATE),
        ("99999999999999999999/1/2026", NOT_A_DATE),
        ("1/3/2026\x00", NOT_A_DATE),
        ("31/2/2026", "Date raised must be a real date"),
    ],
)
def test_hostile_date_raised_gets_a_message_and_raises_nothing(
    frozen, client, practitioner, person, typed, message
):
    client.force_login(practitioner)

    response = client.post(
        reverse("risks:flag_raise", args=[person.pk]),
        {"risk_type": "risk_to_staff", "raised_on": typed},
    )

    assert response.status_code == 400
    assert response.context["form"].errors["raised_on"] == [message]
    assert f'href="#id_raised_on">{message}' in response.content.decode()
    assert not RiskFlag.objects.filter(person=person).exists()


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("1/1/0001", rules.NEXT_REVIEW_PAST),
        ("9999-12-31", "Enter the next review date as a date, like 27/3/2026"),
        ("\x00", "Enter the next review date as a date, like 27/3/2026"),
        ("31/12/9999", "Next review date must be on or before 1 April 2036"),
    ],
)
def test_hostile_next_review_on_a_review_changes_nothing(
    frozen, client, practitioner, person, typed, message
):
    flag = raise_flag(person, practitioner, raised_on=datetime.date(2026, 3, 1))
    client.force_login(practitioner)

    response = client.post(
        reverse("risks:flag_review", args=[flag.pk]),
        {"version": flag.version, "reviewed_on": "1/4/2026", "next_review_on": typed}
        | {"note": "Checked."},
    )

    assert response.status_code == 400
    assert response.context["form"].errors["next_review_on"] == [message]
    flag.refresh_from_db()
    assert flag.last_reviewed_on is None
