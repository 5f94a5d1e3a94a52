"""The law on an order's periods, reviews and ending (issue 12 items 6, 8, 10): month
arithmetic to the corresponding date, DRR reviews and their reports, and when an order may
end.

Each rule is tried the day before, of and after its boundary, through the services every
screen calls.
"""

import datetime

import pytest
from django.core.exceptions import ValidationError

from core.periods import period_last_day
from treatment_requirements import services
from treatment_requirements.enums import BreachOutcome, OrderStatus, TerminationReason
from treatment_requirements.models import Order, OrderRequirement

from .court_outcomes import D, atr, record_order, refer_for_breach
from .factories import OrderRequirementFactory, ProviderTeamFactory, days, ready_recommendation

pytestmark = pytest.mark.django_db


# Month arithmetic ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "months", "end"),
    [
        (D(2025, 1, 28), 1, D(2025, 2, 27)),
        (D(2025, 1, 29), 1, D(2025, 2, 28)),
        (D(2025, 1, 30), 1, D(2025, 2, 28)),
        (D(2025, 1, 31), 1, D(2025, 2, 28)),
        (D(2024, 1, 29), 1, D(2024, 2, 28)),
        (D(2024, 1, 30), 1, D(2024, 2, 29)),
        (D(2025, 1, 28), 6, D(2025, 7, 27)),
        (D(2025, 1, 29), 6, D(2025, 7, 28)),
        (D(2025, 1, 30), 6, D(2025, 7, 29)),
        (D(2025, 1, 31), 6, D(2025, 7, 30)),
        (D(2025, 1, 28), 12, D(2026, 1, 27)),
        (D(2025, 1, 29), 12, D(2026, 1, 28)),
        (D(2025, 1, 30), 12, D(2026, 1, 29)),
        (D(2025, 1, 31), 12, D(2026, 1, 30)),
        (D(2025, 1, 31), 36, D(2028, 1, 30)),
        (D(2024, 2, 29), 6, D(2024, 8, 28)),
        (D(2024, 2, 29), 12, D(2025, 2, 28)),
        (D(2024, 2, 29), 36, D(2027, 2, 28)),
        (D(2024, 2, 29), 48, D(2028, 2, 28)),
        (D(2025, 8, 31), 6, D(2026, 2, 28)),
        (D(2023, 8, 31), 6, D(2024, 2, 29)),
        (D(2025, 8, 31), 12, D(2026, 8, 30)),
        (D(2025, 8, 31), 36, D(2028, 8, 30)),
        (D(2025, 8, 30), 6, D(2026, 2, 28)),
        (D(2025, 8, 28), 6, D(2026, 2, 27)),
    ],
)
def test_period_end_follows_the_corresponding_date(start, months, end):
    assert period_last_day(start, months) == end


@pytest.mark.parametrize(
    "start",
    [
        D(2025, 1, 28),
        D(2025, 1, 29),
        D(2025, 1, 30),
        D(2025, 1, 31),
        D(2024, 2, 29),
        D(2025, 8, 31),
    ],
)
@pytest.mark.parametrize("months", [6, 12, 36])
def test_requirement_as_long_as_the_order_ends_on_the_orders_end_date(
    practitioner, officer, start, months
):
    provider = ProviderTeamFactory()
    order_end = period_last_day(start, months)
    outcome = record_order(
        ready_recommendation(kinds=["atr", "mhtr_primary"]),
        officer,
        hearing_date=start,
        end=order_end,
        requirements=[
            atr(provider, months=months),
            {"kind": "mhtr_primary", "length_months": 1, "provider": provider},
        ],
        by=practitioner,
    )
    order = outcome.order
    ends = {r.kind: r.end_date for r in order.requirements.all()}
    assert ends == {"atr": order.end_date, "mhtr_primary": period_last_day(start, 1)}
    assert order.end_date <= order.latest_end_date


def test_requirement_one_month_longer_than_the_order_is_refused(practitioner, officer):
    start = D(2025, 8, 31)
    with pytest.raises(ValidationError) as exc:
        record_order(
            ready_recommendation(kinds=["atr"]),
            officer,
            hearing_date=start,
            end=period_last_day(start, 6),
            requirements=[atr(ProviderTeamFactory(), months=7)],
            by=practitioner,
        )
    assert exc.value.message_dict["length_months"] == [
        "The ATR of 7 months would end on 30/03/2026, after the order ends on 28/02/2026"
    ]


@pytest.mark.parametrize(
    ("made", "latest"),
    [
        (D(2025, 1, 31), D(2028, 1, 31)),
        (D(2024, 2, 29), D(2027, 3, 1)),
        (D(2025, 8, 31), D(2028, 8, 31)),
    ],
)
def test_order_latest_end_is_3_years_after_it_was_made(made, latest):
    assert Order(made_on=made).latest_end_date == latest


# DRR reviews -----------------------------------------------------------------------------


@pytest.fixture
def drr(order):
    return OrderRequirementFactory(
        order=order, kind="drr", length_months=12, end_date=order.end_date
    )


def _review(drr, officer, review_date, *, report_on=None):
    review = services.review_schedule(requirement=drr, review_date=review_date, by=officer)
    if report_on is not None:
        review.progress_report = "Three negative tests; engaging with key-work."
        review.report_submitted_on = report_on
        review.save()
    return review


def test_review_held_without_a_report_needs_a_reason(drr, officer):
    review = _review(drr, officer, days(-5))
    with pytest.raises(ValidationError) as exc:
        services.review_record_held(review=review, by=officer)
    assert exc.value.message_dict["no_report_reason"] == [
        "No written progress report went to the court before this review: enter why there was none"
    ]
    review.refresh_from_db()
    assert review.held_on is None
    services.review_record_held(
        review=review, no_report_reason="Provider's report not received in time", by=officer
    )
    review.refresh_from_db()
    assert (review.held_on, review.no_report_reason, review.held_recorded_by) == (
        days(-5),
        "Provider's report not received in time",
        officer,
    )


@pytest.mark.parametrize(("report_after_review", "allowed"), [(-1, True), (0, True), (1, False)])
def test_review_held_report_must_reach_the_court_by_the_review_date(
    drr, officer, report_after_review, allowed
):
    review_date = days(-10)
    other = _review(drr, officer, days(-45), report_on=days(-50))  # another review, in order
    review = _review(
        drr,
        officer,
        review_date,
        report_on=review_date + datetime.timedelta(days=report_after_review),
    )
    if allowed:
        services.review_record_held(review=review, by=officer)
        review.refresh_from_db()
        assert (review.held_on, review.no_report_reason) == (review_date, "")
    else:
        with pytest.raises(ValidationError) as exc:
            services.review_record_held(review=review, by=officer)
        submitted = review_date + datetime.timedelta(days=1)
        assert exc.value.message_dict["no_report_reason"] == [
            f"The progress report was submitted on {submitted:%d/%m/%Y}, after the review on "
            f"{review_date:%d/%m/%Y}: enter why no report went to the court before the review"
        ]
        services.review_record_held(
            review=review, no_report_reason="Hearing brought forward by the court", by=officer
        )
        review.refresh_from_db()
        assert review.no_report_reason == "Hearing brought forward by the court"
    services.review_record_held(review=other, by=officer)
    assert drr.reviews.filter(held_on__isnull=False).count() == 2


def test_review_submitted_through_the_service_after_the_hearing_is_late(drr, officer):
    review = _review(drr, officer, days(-1))
    services.review_submit_report(review=review, report="Written after the hearing", by=officer)
    with pytest.raises(ValidationError, match="after the review on"):
        services.review_record_held(review=review, by=officer)


def test_review_cannot_be_held_before_its_date_or_twice(drr, officer):
    future = _review(drr, officer, days(1), report_on=days(0))
    with pytest.raises(ValidationError) as exc:
        services.review_record_held(review=future, by=officer)
    assert exc.value.messages == [
        f"The review is on {days(1):%d/%m/%Y}: record it as held on or after that date"
    ]
    past = _review(drr, officer, days(-40), report_on=days(-41))
    services.review_record_held(review=past, by=officer)
    with pytest.raises(ValidationError, match="already been recorded as held"):
        services.review_record_held(review=past, by=officer)


# Ending an order -------------------------------------------------------------------------


def _end(order, officer, reason, on, notes=""):
    order.refresh_from_db()
    return services.order_terminate(
        order=order,
        reason=reason,
        terminated_on=on,
        notes=notes,
        expected_version=order.version,
        by=officer,
    )


@pytest.mark.parametrize(("offset", "allowed"), [(-1, False), (0, True), (1, True)])
def test_order_completed_only_from_its_end_date(order, officer, offset, allowed):
    Order.objects.filter(pk=order.pk).update(end_date=days(-1))
    on = days(-1 + offset)
    if allowed:
        _end(order, officer, TerminationReason.COMPLETED, on)
        order.refresh_from_db()
        assert (order.status, order.terminated_on) == (OrderStatus.TERMINATED, on)
        return
    with pytest.raises(ValidationError) as exc:
        _end(order, officer, TerminationReason.COMPLETED, on)
    assert exc.value.message_dict["terminated_on"] == [
        f"An order is completed on or after its end date, {days(-1):%d/%m/%Y}. To end it "
        "earlier, the court revokes it for good progress: select 'Revoked for good progress'"
    ]
    order.refresh_from_db()
    assert order.status == OrderStatus.ACTIVE


def test_order_revoked_for_good_progress_before_its_end_date(order, officer):
    assert order.end_date > days(0)
    _end(order, officer, TerminationReason.REVOKED_GOOD_PROGRESS, days(0))
    order.refresh_from_db()
    assert order.termination_reason == TerminationReason.REVOKED_GOOD_PROGRESS


@pytest.mark.parametrize("reason", TerminationReason.values)
def test_order_cannot_end_while_a_breach_awaits_the_court(order, officer, reason):
    breach = refer_for_breach(order, officer)
    Order.objects.filter(pk=order.pk).update(end_date=days(-1))
    with pytest.raises(ValidationError) as exc:
        _end(order, officer, reason, days(0), notes="Moved abroad")
    assert exc.value.messages == [
        "This order cannot be ended while a breach referral awaits the court: record the "
        f"outcome of the breach referral made on {breach.referred_on:%d/%m/%Y} first"
    ]
    order.refresh_from_db()
    assert order.status == OrderStatus.ACTIVE
    services.breach_record_outcome(
        breach=breach, outcome=BreachOutcome.CONTINUED, outcome_on=days(0), by=officer
    )
    _end(order, officer, reason, days(0), notes="Moved abroad")
    order.refresh_from_db()
    assert (order.status, order.termination_reason) == (OrderStatus.TERMINATED, reason)


def test_order_terminate_check_writes_nothing(order, officer):
    version = order.version
    services.order_terminate_check(
        order=order, reason=TerminationReason.TRANSFERRED, terminated_on=days(0)
    )
    order.refresh_from_db()
    assert (order.status, order.version) == (OrderStatus.ACTIVE, version)
    assert OrderRequirement.objects.filter(order=order).count() == 2
