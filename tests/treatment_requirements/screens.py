"""Reading and filling in the treatment requirements screens in tests."""

import datetime
import re


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


_CONFIRMATION = re.compile(r'name="confirmation" value="([0-9a-f]+)"')


def warnings_confirmation(response) -> str | None:
    """The confirmation a booking page shown again with warnings carries (None: no warnings)."""
    found = _CONFIRMATION.search(response.content.decode())
    return found.group(1) if found else None


def post_booking(client, url, data):
    """Post a booking or reschedule form, and confirm "Book anyway" if warnings come back
    (a weekend or a bank holiday: tests not about warnings book on days relative to today)."""
    response = client.post(url, data)
    confirmation = warnings_confirmation(response) if response.status_code == 200 else None
    if confirmation:
        response = client.post(url, data | {"book_anyway": "on", "confirmation": confirmation})
    return response
