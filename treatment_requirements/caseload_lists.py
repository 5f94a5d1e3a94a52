"""The caseload's due lists (CASELOAD_LISTS) and the orders list's sorts: what each list
holds and the order it is read in. selectors.caseload reads their first rows, caseload_page
page by page."""

import datetime
from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from core.paging import KeysetOrder

from .enums import BreachOutcome, RequirementKind
from .models import Appointment, BreachReferral, Failure, OrderRequirement, ReviewHearing

REVIEW_LOOKAHEAD_DAYS = 14


@dataclass(frozen=True)
class CaseloadListSpec:
    """One of the caseload's lists: its heading, and the order it is read and paged in
    (the order of its partial index, migrations 0003 and 0004)."""

    title: str
    order: KeysetOrder
    enforcement_only: bool = False  # listed only for those who hold enforcement


_DATETIME = datetime.datetime.fromisoformat
CASELOAD_LISTS = {
    "today": CaseloadListSpec("Today's appointments", KeysetOrder("starts_at", parse=_DATETIME)),
    "outcomes_due": CaseloadListSpec(
        "Outcomes not yet recorded", KeysetOrder("starts_at", parse=_DATETIME)
    ),
    "non_compliance": CaseloadListSpec(
        "Open non-compliance: enforcement action due", KeysetOrder("deadline")
    ),
    "breaches": CaseloadListSpec("Breach referrals awaiting the court", KeysetOrder("referred_on")),
    "reviews_due": CaseloadListSpec(
        "DRR reviews due in the next two weeks", KeysetOrder("review_date")
    ),
    "reviews_unbooked": CaseloadListSpec(
        "DRRs over 12 months with no review booked", KeysetOrder("end_date")
    ),
    "reoffending_due": CaseloadListSpec(
        "Reoffending checks due",
        KeysetOrder("referral__reoffending_check_due_on"),
        enforcement_only=True,
    ),
}

# The orders list's sorts, each read in order through an index on Order (migration 0009).
ORDER_SORTS = {
    "ending": ("Ending soonest", KeysetOrder("end_date")),
    "recent": ("Most recent order first", KeysetOrder("made_on", descending=True)),
}
DEFAULT_ORDER_SORT = "ending"


def due_window(today: datetime.date) -> dict:
    """The times the due lists are read against, for `today` (values, never built into a
    query's shape: core.compiled reuses the SQL with them)."""
    start_of_day = timezone.make_aware(datetime.datetime.combine(today, datetime.time.min))
    end_of_day = start_of_day + datetime.timedelta(days=1)
    return {
        "today": today,
        "start_of_day": start_of_day,
        "end_of_day": end_of_day,
        "outcomes_before": min(timezone.now(), end_of_day),
        "review_until": today + datetime.timedelta(days=REVIEW_LOOKAHEAD_DAYS),
    }


def due_querysets(
    orders: QuerySet,
    all_orders: QuerySet,
    *,
    today: datetime.date,
    start_of_day: datetime.datetime,
    end_of_day: datetime.datetime,
    outcomes_before: datetime.datetime,
    review_until: datetime.date,
) -> dict[str, QuerySet]:
    """The due lists of the caseload `orders` (active; `all_orders` ended too), unordered."""
    appointments = Appointment.objects.filter(order__in=orders).select_related(
        "order", "order__person", "requirement"
    )
    future_reviews = ReviewHearing.objects.filter(
        requirement=OuterRef("pk"), review_date__gte=today
    )
    return {
        "today": appointments.filter(starts_at__gte=start_of_day, starts_at__lt=end_of_day),
        "outcomes_due": appointments.filter(starts_at__lt=outcomes_before, outcome=""),
        "non_compliance": Failure.objects.filter(order__in=orders, action="").select_related(
            "order", "order__person"
        ),
        "breaches": BreachReferral.objects.filter(
            order__in=orders, outcome=BreachOutcome.PENDING
        ).select_related("order", "order__person"),
        "reviews_due": ReviewHearing.objects.filter(
            order__in=orders, review_date__gte=today, review_date__lte=review_until
        ).select_related("order", "order__person"),
        "reviews_unbooked": OrderRequirement.objects.filter(
            order__in=orders, kind=RequirementKind.DRR, length_months__gt=12
        )
        .filter(~Q(Exists(future_reviews)), end_date__gte=today)
        .select_related("order", "order__person"),
        # Ended orders too: the follow-up runs 12 months from the referral, often past the end.
        "reoffending_due": all_orders.filter(
            referral__reoffending_checked_on__isnull=True,
            referral__reoffending_check_due_on__lte=today,
        ).select_related("person", "referral"),
    }
