"""The risk register's rules, in one place (no database): review intervals, "overdue", and
which details each type of flag needs. Written out in docs/domain.md.

Dates are Europe/London dates: a flag reviewed at 00:30 on 1 April British Summer Time was
reviewed on 1 April, whatever the server's clock says.
"""

import datetime
from zoneinfo import ZoneInfo

from dateutil.relativedelta import relativedelta
from django.utils import timezone

from .enums import RiskType

LONDON = ZoneInfo("Europe/London")
NOTE_MAX_LENGTH = 2000
REASON_MAX_LENGTH = 2000
# A review falling due within this many days is "due soon" (banner, register, reminder).
DUE_SOON_DAYS = 14

# Months from the day a flag is raised (or reviewed) to its next review, by type: the date
# offered on the form, which the user may change. Issue 14 (the service's requirement, from
# the way nDelius and SystmOne registers are run) sets 3 months as the usual interval. We
# shorten it to 1 month for the risks where the person or a child may come to harm soon and
# the picture changes fast (self-harm or suicide, a child at risk, a victim of domestic
# abuse): a choice for the service's clinical safety officer to confirm or change here.
# MAPPA level and ROSH are set by other agencies (the MAPPA meeting, probation's OASys);
# the register records the level it was told and checks it every 3 months.
DEFAULT_REVIEW_MONTHS = 3
REVIEW_MONTHS: dict[str, int] = {
    RiskType.SELF_HARM: 1,
    RiskType.SAFEGUARDING_CHILD: 1,
    RiskType.DOMESTIC_ABUSE_VICTIM: 1,
}


def today() -> datetime.date:
    return timezone.localdate(timezone.now(), LONDON)


def review_months(risk_type: str) -> int:
    return REVIEW_MONTHS.get(risk_type, DEFAULT_REVIEW_MONTHS)


def default_review_date(risk_type: str, from_date: datetime.date) -> datetime.date:
    """The corresponding date `review_months` later (31 January + 1 month: 28/29 February)."""
    return from_date + relativedelta(months=review_months(risk_type))


def is_overdue(next_review_on: datetime.date, on: datetime.date) -> bool:
    """Overdue from the day after the review date: due on it, not overdue on it."""
    return on > next_review_on


def review_status(next_review_on: datetime.date | None, on: datetime.date) -> str:
    """ "overdue", "due_today", "due_soon" (within DUE_SOON_DAYS) or "not_due"."""
    if next_review_on is None:
        return "not_due"
    if is_overdue(next_review_on, on):
        return "overdue"
    if next_review_on == on:
        return "due_today"
    if (next_review_on - on).days <= DUE_SOON_DAYS:
        return "due_soon"
    return "not_due"


REVIEW_STATUS_LABELS = {
    "overdue": "Review overdue",
    "due_today": "Review due today",
    "due_soon": "Review due soon",
    "not_due": "",
}


def detail_errors(
    risk_type: str, *, mappa_category=None, mappa_level=None, rosh_level=""
) -> dict[str, str]:
    """MAPPA needs its category and level, ROSH its level; no other type takes them."""
    errors = {}
    if risk_type == RiskType.MAPPA:
        if not mappa_category:
            errors["mappa_category"] = "Select the MAPPA category"
        if not mappa_level:
            errors["mappa_level"] = "Select the MAPPA level"
    else:
        if mappa_category:
            errors["mappa_category"] = "A MAPPA category is recorded only on a MAPPA flag"
        if mappa_level:
            errors["mappa_level"] = "A MAPPA level is recorded only on a MAPPA flag"
    if risk_type == RiskType.ROSH:
        if not rosh_level:
            errors["rosh_level"] = "Select the ROSH level"
    elif rosh_level:
        errors["rosh_level"] = "A ROSH level is recorded only on a ROSH flag"
    return errors


# No flag is dated before the service's records begin (a typed year 1 or 2062 is refused
# by the form's date boxes with these same bounds and words).
EARLIEST_DATE = datetime.date(2000, 1, 1)
RAISED_ON_TOO_EARLY = "Date raised must be on or after 1 January 2000"
RAISED_ON_FUTURE = "Date raised must be today or in the past"
REVIEWED_ON_TOO_EARLY = "Date of the review must be on or after 1 January 2000"
REVIEWED_ON_FUTURE = "Date of the review must be today or in the past"
REVIEWED_ON_BEFORE_RAISED = "Date of the review must be on or after the date the flag was raised"
NEXT_REVIEW_PAST = "Next review date must be today or in the future"
NEXT_REVIEW_TOO_EARLY = (
    "Next review date must be on or after the date the flag was raised or last reviewed"
)


def raised_on_error(raised_on: datetime.date, on: datetime.date) -> str | None:
    if raised_on > on:
        return RAISED_ON_FUTURE
    if raised_on < EARLIEST_DATE:
        return RAISED_ON_TOO_EARLY
    return None


def reviewed_on_error(
    reviewed_on: datetime.date, *, raised_on: datetime.date, on: datetime.date
) -> str | None:
    if reviewed_on > on:
        return REVIEWED_ON_FUTURE
    if reviewed_on < raised_on:
        return REVIEWED_ON_BEFORE_RAISED
    return None


def next_review_error(
    next_review_on: datetime.date, *, not_before: datetime.date, on: datetime.date
) -> str | None:
    """The next review is today or later, and not before the flag was raised (or reviewed)."""
    if next_review_on < on:
        return NEXT_REVIEW_PAST
    if next_review_on < not_before:
        return NEXT_REVIEW_TOO_EARLY
    return None
