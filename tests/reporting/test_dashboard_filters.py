import datetime

import pytest
from django.urls import reverse

from reporting.forms import DateRange, Period, period_range


@pytest.mark.parametrize(
    ("period", "start", "end"),
    [
        (Period.LAST_12_MONTHS, datetime.date(2025, 12, 1), datetime.date(2026, 11, 23)),
        (Period.LAST_3_MONTHS, datetime.date(2026, 9, 1), datetime.date(2026, 11, 23)),
        (Period.THIS_FINANCIAL_YEAR, datetime.date(2026, 4, 1), datetime.date(2026, 11, 23)),
        (Period.LAST_FINANCIAL_YEAR, datetime.date(2025, 4, 1), datetime.date(2026, 3, 31)),
        (Period.LAST_24_MONTHS, datetime.date(2024, 12, 1), datetime.date(2026, 11, 23)),
        ("nonsense", datetime.date(2025, 12, 1), datetime.date(2026, 11, 23)),
    ],
)
def test_period_range_covers_whole_months_to_today(period, start, end):
    assert period_range(period, today=datetime.date(2026, 11, 23)) == DateRange(start, end)


def test_financial_year_starts_in_april_of_the_previous_year_before_april():
    dates = period_range(Period.THIS_FINANCIAL_YEAR, today=datetime.date(2027, 2, 10))

    assert dates.start == datetime.date(2026, 4, 1)


def test_date_range_label_names_whole_months_and_a_part_month_by_day():
    assert DateRange(datetime.date(2025, 4, 1), datetime.date(2026, 3, 31)).label == (
        "April 2025 to March 2026"
    )
    assert DateRange(datetime.date(2025, 12, 1), datetime.date(2026, 11, 22)).label == (
        "December 2025 to 22 November 2026"
    )


def test_date_range_until_cuts_at_the_snapshot_day():
    dates = DateRange(datetime.date(2025, 12, 1), datetime.date(2026, 11, 23))

    assert dates.until(datetime.date(2026, 11, 22)).end == datetime.date(2026, 11, 22)
    assert dates.until(None) == dates


def test_invalid_filter_is_reported_next_to_the_field(commissioner_client, known_data):
    response = commissioner_client.get(reverse("reporting:dashboard"), {"cohort": "everyone-else"})

    assert response.status_code == 200
    assert "There is a problem" in response.text
    assert "Select the cohort from the list" in response.text
    # The figures fall back to everyone rather than showing nothing.
    assert response.context["selection"].cohort == "all"


def test_filter_query_string_holds_codes_and_a_team_id_only(commissioner_client, known_data):
    response = commissioner_client.get(
        reverse("reporting:dashboard"),
        {"cohort": "women", "team": known_data.team_a.pk, "source": "police_custody"},
    )

    assert response.context["query_string"] == (
        f"cohort=women&period=last-12-months&source=police_custody&team={known_data.team_a.pk}"
    )


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"period": "9999-12-31"}, "Select the period from the list"),
        ({"period": "last-12-months\x00"}, "Select the period from the list"),
        ({"team": "9" * 40}, "Select the team from the list"),
        ({"source": "<script>"}, "Select the referral source from the list"),
    ],
)
def test_hostile_filter_in_the_address_gets_a_message_not_a_500(
    commissioner_client, known_data, params, message
):
    response = commissioner_client.get(reverse("reporting:dashboard"), params)

    assert response.status_code == 200
    assert "There is a problem" in response.text
    assert message in response.text
