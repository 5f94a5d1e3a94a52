"""Dates and times as people type them, read leniently (GOV.UK: "let users enter dates in
the way they're used to"). Pure functions, no Django: the form fields in core.forms call
them and turn each refusal into a message that names the field.

Dates: day, month and year in that order, separated by any of / - . or spaces
("27/3/2026", "27-03-2026", "27.3.26", "27 3 2026", "27 March 2026", "27 Mar 26"), or run
together as 6 or 8 digits ("270326", "27032026": what a phone's number pad can type). A
two-digit year takes the century that puts the date inside the field's bounds, the nearer
one to today when both do.

Times: "9:30", "09.30", "0930", "930", "9am", "9.30am", "2:30 pm", "14:30", "noon",
"midnight"; 24-hour unless am or pm is given.
"""

import datetime
import re

MONTHS = {
    name: number
    for number, names in enumerate(
        (
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ),
        start=1,
    )
    for name in names
}
_SEPARATED = re.compile(r"^(\d{1,2})[\s/\-.,]+([a-z]+|\d{1,2})[\s/\-.,]+(\d{2}|\d{4})$")
_RUN_TOGETHER = re.compile(r"^(\d{2})(\d{2})(\d{2}|\d{4})$")
_TIME = re.compile(r"^(\d{1,2})(?:[:.\s]?(\d{2}))?\s*(am|pm|a\.m\.|p\.m\.)?$")
_TIME_WORDS = {"noon": datetime.time(12, 0), "midday": datetime.time(12, 0)}
_TIME_WORDS["midnight"] = datetime.time(0, 0)


class NotADate(ValueError):
    """The text is not a date; `reason` is "invalid" (no date can be read from it),
    "not_real" (read, but no such day: 31/2/2026) or "century" (a two-digit year that fits
    neither century within the field's bounds)."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def parse_date(
    text: str,
    *,
    earliest: datetime.date | None = None,
    latest: datetime.date | None = None,
    today: datetime.date | None = None,
) -> datetime.date:
    """The date typed in `text`; NotADate when there is none. Bounds only choose the
    century of a two-digit year: the caller checks them and says what is wrong."""
    cleaned = " ".join(str(text).strip().lower().split())
    match = _SEPARATED.match(cleaned) or _RUN_TOGETHER.match(cleaned.replace(" ", ""))
    if not match:
        raise NotADate("invalid")
    day, month, year = match.groups()
    if month.isdigit():
        month_number = int(month)
    elif month in MONTHS:
        month_number = MONTHS[month]
    else:
        raise NotADate("invalid")
    if len(year) == 4:
        return _real(int(year), month_number, int(day))
    return _two_digit_year(int(year), month_number, int(day), earliest, latest, today)


def _real(year: int, month: int, day: int) -> datetime.date:
    try:
        return datetime.date(year, month, day)
    except ValueError:
        raise NotADate("not_real") from None


def _two_digit_year(short, month, day, earliest, latest, today) -> datetime.date:
    today = today or datetime.date.today()
    century = today.year // 100 * 100
    candidates = []
    for year in (century - 100 + short, century + short, century + 100 + short):
        try:
            candidates.append(datetime.date(year, month, day))
        except ValueError:
            continue
    if not candidates:
        raise NotADate("not_real")
    inside = [
        day_
        for day_ in candidates
        if (earliest is None or day_ >= earliest) and (latest is None or day_ <= latest)
    ]
    if not inside and earliest is None and latest is None:
        inside = candidates
    if not inside:
        raise NotADate("century")
    return min(inside, key=lambda day_: abs(day_ - today))


class NotATime(ValueError):
    pass


def parse_time(text: str) -> datetime.time:
    """The time of day typed in `text`; NotATime when there is none."""
    cleaned = " ".join(str(text).strip().lower().split())
    if cleaned in _TIME_WORDS:
        return _TIME_WORDS[cleaned]
    match = _TIME.match(cleaned)
    if not match:
        raise NotATime(cleaned)
    hours_text, minutes_text, half = match.groups()
    hours, minutes = int(hours_text), int(minutes_text or 0)
    if half:
        if not 1 <= hours <= 12:
            raise NotATime(cleaned)
        hours = hours % 12 + (12 if half.startswith("p") else 0)
    if hours > 23 or minutes > 59:
        raise NotATime(cleaned)
    return datetime.time(hours, minutes)
