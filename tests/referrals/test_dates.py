"""The dates people type into intake and the referral list's filters: one box, read as
typed, inside each field's bounds (a referral from 1 January 2000 to now; a date of birth
by the age rule; list filters 2000 to today); hostile text gets a message, never a 500."""

import datetime
import zoneinfo

import pytest
import time_machine
from django.urls import reverse

from referrals.models import Person, Referral
from tests.factories import PersonFactory, ReferralFactory

INTAKE = reverse("referrals:intake")
LIST = reverse("referrals:referral_list")
LONDON = zoneinfo.ZoneInfo("Europe/London")
# Friday 27 March 2026, noon in London: every bound below is counted from here.
NOON = datetime.datetime(2026, 3, 27, 12, 0, tzinfo=LONDON)

HOSTILE_DATES = [
    ("1/1/0001", "must be on or after 1 January 2000"),
    ("31/12/9999", "must be today or in the past"),
    ("9999-12-31", "must be today or in the past"),
    ("99999999999999999999/1/2026", "as a date, like 27/3/2026"),
    ("27/3/2026\x00", "as a date, like 27/3/2026"),
    ("31/2/2026", "must be a real date"),
    ("<script>", "as a date, like 27/3/2026"),
]


@pytest.fixture
def at_noon():
    with time_machine.travel(NOON, tick=False):
        yield


def _intake(client, intake_data, *, received="27/3/2026", time="09:00", dob="14/2/1991"):
    return client.post(
        INTAKE,
        intake_data(
            **{
                "referral-received_date": received,
                "referral-received_time": time,
                "person-date_of_birth": dob,
            }
        ),
    )


def _page(response) -> str:
    return response.content.decode().replace("&#x27;", "'")


@pytest.mark.parametrize(
    "typed, message",
    # The intake reads dates as people type them; only the lists' addresses hold 2026-03-27.
    [(t, "as a date, like 27/3/2026" if "-" in t else m) for t, m in HOSTILE_DATES],
)
@pytest.mark.django_db
def test_intake_hostile_date_received_gets_a_message(
    practitioner_client, intake_data, at_noon, typed, message
):
    response = _intake(practitioner_client, intake_data, received=typed)

    assert response.status_code == 400
    assert "There is a problem" in _page(response)
    assert message in _page(response)
    assert not Referral.objects.exists()


@pytest.mark.parametrize(
    "typed, message",
    [
        ("1/1/0001", "Date of birth gives an age over 110: check the year"),
        ("31/12/9999", "Date of birth must be in the past"),
        ("99999999999999999999/1/2026", "Enter the date of birth as a date, like 27/3/2026"),
        ("14/2/1991\x00", "Enter the date of birth as a date, like 27/3/2026"),
        ("31/2/1991", "Date of birth must be a real date"),
    ],
)
@pytest.mark.django_db
def test_intake_hostile_date_of_birth_gets_a_message(
    practitioner_client, intake_data, at_noon, typed, message
):
    response = _intake(practitioner_client, intake_data, dob=typed)

    assert response.status_code == 400
    assert message in _page(response)
    assert not Person.objects.exists()


@pytest.mark.parametrize(
    "received, saved",
    [
        ("31/12/1999", False),
        ("1/1/2000", True),
        ("2/1/2000", True),
        ("26/3/2026", True),
        ("27/3/2026", True),
        ("28/3/2026", False),
    ],
)
@pytest.mark.django_db
def test_intake_date_received_from_2000_to_today(
    practitioner_client, intake_data, at_noon, received, saved
):
    response = _intake(practitioner_client, intake_data, received=received)

    assert Referral.objects.exists() == saved
    if not saved:
        assert response.status_code == 400
        assert "Date received must be on or after 1 January 2000" in _page(
            response
        ) or "Date received must be today or in the past" in _page(response)


@pytest.mark.parametrize(
    "time, saved", [("11:59", True), ("12:05", True), ("12:06", False), ("23:30", False)]
)
@pytest.mark.django_db
def test_intake_time_received_today_is_not_after_now(
    practitioner_client, intake_data, at_noon, time, saved
):
    response = _intake(practitioner_client, intake_data, time=time)

    assert Referral.objects.exists() == saved
    if not saved:
        assert "Time received must be now or in the past" in _page(response)
        assert 'href="#id_referral-received_time"' in _page(response)


@pytest.mark.parametrize(
    "dob, message",
    [
        # Age 10 on 27 March 2026: born on or before 27 March 2016.
        ("27/3/2016", None),
        ("28/3/2016", "Date of birth gives an age under 10: check the year"),
        # Age 110 until the day before the 111th birthday: born after 27 March 1915.
        ("28/3/1915", None),
        ("27/3/1915", "Date of birth gives an age over 110: check the year"),
        ("27/3/2026", "Date of birth gives an age under 10: check the year"),
        ("28/3/2026", "Date of birth must be in the past"),
    ],
)
@pytest.mark.django_db
def test_intake_date_of_birth_by_the_age_rule(
    practitioner_client, intake_data, at_noon, dob, message
):
    response = _intake(practitioner_client, intake_data, dob=dob)

    if message is None:
        assert response.status_code == 302
        assert Person.objects.get().date_of_birth.strftime("%-d/%-m/%Y") == dob
    else:
        assert response.status_code == 400
        assert message in _page(response)
        assert not Person.objects.exists()


@pytest.mark.parametrize(
    "typed, born",
    [
        ("14/2/91", datetime.date(1991, 2, 14)),
        ("14.2.91", datetime.date(1991, 2, 14)),
        ("140291", datetime.date(1991, 2, 14)),
        # 2020 would make them 6: the age rule puts the year in the 1900s.
        ("1/1/20", datetime.date(1920, 1, 1)),
        ("3/9/10", datetime.date(2010, 9, 3)),
        ("14 February 1991", datetime.date(1991, 2, 14)),
    ],
)
@pytest.mark.django_db
def test_intake_date_of_birth_with_a_two_digit_year_takes_the_century_the_age_rule_allows(
    practitioner_client, intake_data, at_noon, typed, born
):
    response = _intake(practitioner_client, intake_data, dob=typed)

    assert response.status_code == 302
    assert Person.objects.get().date_of_birth == born


@pytest.mark.django_db
def test_intake_date_boxes_are_one_box_each_with_the_right_keyboard(practitioner_client):
    page = _page(practitioner_client.get(INTAKE))

    assert 'name="person-date_of_birth"' in page
    assert 'name="person-date_of_birth_0"' not in page
    assert 'name="referral-received_date"' in page
    assert 'name="referral-received_date_0"' not in page
    dob = page[page.index('name="person-date_of_birth"') :].split(">")[0]
    nhs = page[page.index('name="person-nhs_number"') :].split(">")[0]
    assert 'autocomplete="bday"' in dob and "govuk-input " in dob
    assert 'inputmode="numeric"' in nhs and 'autocomplete="off"' in nhs


@pytest.mark.django_db
def test_intake_error_summary_links_a_radio_question_to_its_first_radio(
    practitioner_client, intake_data
):
    response = practitioner_client.post(INTAKE, intake_data(**{"person-gender": None}))

    page = _page(response)
    assert 'href="#id_person-gender_1"' in page
    assert 'id="id_person-gender_1"' in page


@pytest.fixture
def three_referrals(team, site):
    """Received 31 December 1999 (imported), 1 January 2000 and 27 March 2026."""
    for name, day in (
        ("Nineteen", datetime.datetime(1999, 12, 31, 12, tzinfo=LONDON)),
        ("Millennium", datetime.datetime(2000, 1, 1, 12, tzinfo=LONDON)),
        ("Today", datetime.datetime(2026, 3, 27, 9, tzinfo=LONDON)),
    ):
        ReferralFactory(
            person=PersonFactory(team=team, family_name=name), site=site, received_at=day
        )


@pytest.mark.parametrize("field", ["received_from", "received_to"])
@pytest.mark.parametrize("typed, message", HOSTILE_DATES)
@pytest.mark.django_db
def test_list_filter_hostile_date_gets_a_message_not_a_500(
    practitioner_client, three_referrals, at_noon, field, typed, message
):
    response = practitioner_client.get(LIST, {field: typed})

    page = _page(response)
    assert response.status_code == 200
    assert "There is a problem" in page
    assert message in page
    assert f'href="#id_{field}"' in page and f'id="id_{field}"' in page


@pytest.mark.django_db
def test_list_filter_huge_day_in_the_address_gets_a_message(practitioner_client, at_noon):
    response = practitioner_client.get(f"{LIST}?received_to=2026-03-99999999999999999999")

    assert response.status_code == 200
    assert "Enter the latest date received as a date, like 27/3/2026" in _page(response)


@pytest.mark.parametrize(
    "query, shown",
    [
        ({"received_from": "31/12/1999"}, None),
        ({"received_from": "1/1/2000"}, {"MILLENNIUM", "TODAY"}),
        ({"received_from": "2/1/2000"}, {"TODAY"}),
        ({"received_to": "1/1/2000"}, {"MILLENNIUM", "NINETEEN"}),
        ({"received_to": "27/3/2026"}, {"MILLENNIUM", "NINETEEN", "TODAY"}),
        ({"received_to": "28/3/2026"}, None),
        ({"received_from": "2000-01-01", "received_to": "2000-01-01"}, {"MILLENNIUM"}),
    ],
)
@pytest.mark.django_db
def test_list_filter_dates_from_2000_to_today(
    practitioner_client, three_referrals, at_noon, query, shown
):
    page = _page(practitioner_client.get(LIST, query))

    names = {name for name in ("NINETEEN", "MILLENNIUM", "TODAY") if name in page}
    if shown is None:
        assert "There is a problem" in page
        assert (
            "date received must be on or after 1 January 2000" in page
            or "date received must be today or in the past" in page
        )
    else:
        assert "There is a problem" not in page
        assert names == shown


@pytest.mark.django_db
def test_list_filter_date_is_typed_in_one_box_and_shown_again(practitioner_client, at_noon):
    page = _page(practitioner_client.get(LIST, {"received_from": "1/3/26"}))

    assert 'type="date"' not in page
    assert 'name="received_from"' in page and 'value="1/3/26"' in page
    assert "There is a problem" not in page
