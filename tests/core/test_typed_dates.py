"""Dates and times as people type them (core.typed_dates): every way the issue lists, the
edges of each part, and what is refused."""

import datetime

import pytest

from core.typed_dates import NotADate, NotATime, parse_date, parse_time

TODAY = datetime.date(2026, 11, 30)
D = datetime.date


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("1/1/26", D(2026, 1, 1)),
        ("01-01-2026", D(2026, 1, 1)),
        (" 1 / 1 / 26 ", D(2026, 1, 1)),
        ("27.3.2026", D(2026, 3, 27)),
        ("27.3.26", D(2026, 3, 27)),
        ("27 3 2026", D(2026, 3, 27)),
        ("27,3,2026", D(2026, 3, 27)),
        ("27 March 2026", D(2026, 3, 27)),
        ("27 mar 26", D(2026, 3, 27)),
        ("27 Sept 2026", D(2026, 9, 27)),
        ("27032026", D(2026, 3, 27)),
        ("270326", D(2026, 3, 27)),
        ("29/2/2028", D(2028, 2, 29)),
        ("31/12/1999", D(1999, 12, 31)),
    ],
)
def test_dates_typed_the_ways_people_type_them(typed, expected):
    assert parse_date(typed, today=TODAY) == expected


@pytest.mark.parametrize(
    ("typed", "reason"),
    [
        ("", "invalid"),
        ("tomorrow", "invalid"),
        ("1/1/1", "invalid"),  # a one-digit year is not a year anyone means
        ("1/1/202", "invalid"),
        ("1/1", "invalid"),
        ("12/25", "invalid"),
        ("1/1/2026/1", "invalid"),
        ("1 Smarch 2026", "invalid"),
        ("99999999999999999999/1/2026", "invalid"),
        ("\x00", "invalid"),
        ("31/2/2026", "not_real"),
        ("29/2/2027", "not_real"),
        ("0/1/2026", "not_real"),
        ("1/13/2026", "not_real"),
        ("1/0/2026", "not_real"),
    ],
)
def test_what_is_not_a_date_is_refused_with_a_reason(typed, reason):
    with pytest.raises(NotADate) as refused:
        parse_date(typed, today=TODAY)
    assert refused.value.reason == reason


def test_a_two_digit_year_takes_the_century_inside_the_bounds():
    # a date of birth: at least 10 and at most 110 years ago
    born = {"earliest": D(1916, 11, 30), "latest": D(2016, 11, 30), "today": TODAY}
    assert parse_date("1/1/20", **born) == D(1920, 1, 1)
    assert parse_date("1/1/90", **born) == D(1990, 1, 1)
    assert parse_date("1/1/05", **born) == D(2005, 1, 1)
    # a referral: since 2000, not after today
    referral = {"earliest": D(2000, 1, 1), "latest": TODAY, "today": TODAY}
    assert parse_date("30/11/26", **referral) == TODAY
    with pytest.raises(NotADate) as refused:
        parse_date("1/12/26", **referral)  # tomorrow: in neither century's bounds
    assert refused.value.reason == "century"
    # no bounds: the nearer to today
    assert parse_date("1/1/70", today=TODAY) == D(2070, 1, 1)
    assert parse_date("1/1/80", today=TODAY) == D(1980, 1, 1)


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("9:30", (9, 30)),
        ("09.30", (9, 30)),
        ("0930", (9, 30)),
        ("930", (9, 30)),
        ("9 30", (9, 30)),
        ("9am", (9, 0)),
        ("9.30am", (9, 30)),
        ("9.30 a.m.", (9, 30)),
        ("2:30 pm", (14, 30)),
        ("2:30PM", (14, 30)),
        ("12am", (0, 0)),
        ("12pm", (12, 0)),
        ("12:59pm", (12, 59)),
        ("14:30", (14, 30)),
        ("23:59", (23, 59)),
        ("0:00", (0, 0)),
        ("noon", (12, 0)),
        ("Midnight", (0, 0)),
    ],
)
def test_times_typed_the_ways_people_type_them(typed, expected):
    assert parse_time(typed) == datetime.time(*expected)


@pytest.mark.parametrize(
    "typed", ["", "24:00", "9:60", "13pm", "0am", "12345", "9:3", "nine", "\x00", "-1:00"]
)
def test_what_is_not_a_time_is_refused(typed):
    with pytest.raises(NotATime):
        parse_time(typed)
