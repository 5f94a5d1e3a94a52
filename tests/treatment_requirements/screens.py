"""Reading and filling in the treatment requirements screens in tests."""

import datetime


def errors_of(response) -> str:
    """The text of the GOV.UK error summary (or nothing if there is none)."""
    html = response.content.decode()
    start = html.find("govuk-error-summary")
    return html[start : start + 3000] if start >= 0 else ""


def typed_day(day: datetime.date) -> str:
    """A date as people type it into the one box (3/9/2026)."""
    return f"{day.day}/{day.month}/{day.year}"


def long_day(day: datetime.date) -> str:
    """A date as the messages write it (3 September 2026)."""
    return f"{day.day} {day:%B %Y}"
