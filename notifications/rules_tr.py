"""Reminder rules for orders, appointments, enforcement and reviews (treatment_requirements).

Recipients: the order's responsible officer; for appointments and DRR reviews also the
clinicians of the requirement's provider team; for a reoffending check of a referral with no
order, its L&D practitioner or team leads. Nothing is sent to the person: the person
record holds no contact details or opt-in yet (see the report of issue 5).
"""

from datetime import datetime, time, timedelta

from django.db.models import F, Q
from django.utils import timezone

from accounts.enums import BankHolidays, Role
from accounts.models import User
from referrals.models import Referral
from treatment_requirements.enforcement import warning_period_last_day, warning_window_start
from treatment_requirements.enums import OrderStatus, RequirementKind
from treatment_requirements.models import (
    Appointment,
    Failure,
    FormalWarning,
    Order,
    OrderAllocation,
    ReviewHearing,
)
from treatment_requirements.working_days import add_working_days

from .enums import ReminderKind
from .rules import LOOKBACK, link_to, register_rule, team_leads_by_team
from .services import ReminderSpec

WARNING_NOTICE_DAYS = 7
ORDER_ENDING_DAYS = 14
DRR_REVIEW_DAYS = 7
REOFFENDING_NOTICE_DAYS = 7


def _order_spec(kind, order_id, due_on, recipient_id, title, subject=("order", None)):
    subject_type, subject_id = subject
    return ReminderSpec(
        kind=kind,
        subject_type=f"treatment_requirements.{subject_type}",
        subject_id=subject_id or order_id,
        due_on=due_on,
        recipient_id=recipient_id,
        title=title,
        link=link_to("treatment_requirements:order_detail", order_id),
    )


def _clinicians_by_team(team_ids) -> dict[int, list[int]]:
    found: dict[int, list[int]] = {}
    for user_id, team_id in (
        User.objects.people()
        .filter(team_id__in=set(team_ids), role=Role.PROVIDER_CLINICIAN, is_active=True)
        .values_list("pk", "team_id")
    ):
        found.setdefault(team_id, []).append(user_id)
    return found


def _day_bounds(first, last):
    """Aware datetimes spanning London days first..last."""
    start = timezone.make_aware(datetime.combine(first, time.min))
    end = timezone.make_aware(datetime.combine(last + timedelta(days=1), time.min))
    return start, end


def appointment_tomorrow() -> list[ReminderSpec]:
    tomorrow = timezone.localdate() + timedelta(days=1)
    start, end = _day_bounds(tomorrow, tomorrow)
    rows = list(
        Appointment.objects.filter(
            starts_at__gte=start,
            starts_at__lt=end,
            outcome="",
            order__status=OrderStatus.ACTIVE,
        ).values_list(
            "pk",
            "order_id",
            "starts_at",
            "order__responsible_officer_id",
            "requirement__provider_id",
        )
    )
    clinicians = _clinicians_by_team(r[4] for r in rows if r[4])
    specs = []
    for pk, order_id, starts_at, officer_id, provider_id in rows:
        title = (
            f"Appointment tomorrow at {timezone.localtime(starts_at):%H:%M} "
            f"for order CO{order_id:06d}"
        )
        for recipient in {officer_id, *clinicians.get(provider_id, [])}:
            specs.append(
                _order_spec(
                    ReminderKind.APPOINTMENT_TOMORROW,
                    order_id,
                    tomorrow,
                    recipient,
                    title,
                    subject=("appointment", pk),
                )
            )
    return specs


def outcome_not_recorded() -> list[ReminderSpec]:
    now = timezone.now()
    rows = Appointment.objects.filter(
        starts_at__lt=now - timedelta(hours=24),
        starts_at__gte=now - timedelta(hours=24) - LOOKBACK,
        outcome="",
    ).values_list("pk", "order_id", "starts_at", "order__responsible_officer_id")
    return [
        _order_spec(
            ReminderKind.OUTCOME_NOT_RECORDED,
            order_id,
            timezone.localdate(starts_at + timedelta(hours=24)),
            officer_id,
            f"Record the outcome of the appointment on "
            f"{timezone.localtime(starts_at):%d/%m/%Y at %H:%M} for order CO{order_id:06d}",
            subject=("appointment", pk),
        )
        for pk, order_id, starts_at, officer_id in rows
    ]


def _within_working_days(today, count) -> Q:
    """Deadlines up to `count` working days from `today` in the nation of the order's
    probation team (the officer's working days: accounts.Team.bank_holidays)."""
    within = Q()
    for region in BankHolidays.values:
        last_day = add_working_days(today, count, region)
        within |= Q(order__probation_team__bank_holidays=region, deadline__lte=last_day)
    return within


def enforcement_deadlines() -> list[ReminderSpec]:
    """Open failures whose enforcement deadline is within 2 working days, or has passed."""
    today = timezone.localdate()
    rows = Failure.objects.filter(
        _within_working_days(today, 2), action="", deadline__gte=today - LOOKBACK
    ).values_list("pk", "order_id", "deadline", "order__responsible_officer_id")
    specs = []
    for pk, order_id, deadline, officer_id in rows:
        if deadline < today:
            kind, title = ReminderKind.ENFORCEMENT_OVERDUE, "is overdue"
        else:
            kind, title = ReminderKind.ENFORCEMENT_DUE, f"is due by {deadline:%d/%m/%Y}"
        specs.append(
            _order_spec(
                kind,
                order_id,
                deadline,
                officer_id,
                f"Enforcement action for order CO{order_id:06d} {title}",
                subject=("failure", pk),
            )
        )
    return specs


def drr_review_without_report() -> list[ReminderSpec]:
    today = timezone.localdate()
    rows = list(
        ReviewHearing.objects.filter(
            review_date__gte=today,
            review_date__lte=today + timedelta(days=DRR_REVIEW_DAYS),
            report_submitted_on__isnull=True,
            requirement__kind=RequirementKind.DRR,
        ).values_list(
            "pk",
            "order_id",
            "review_date",
            "order__responsible_officer_id",
            "requirement__provider_id",
        )
    )
    clinicians = _clinicians_by_team(r[4] for r in rows)
    specs = []
    for pk, order_id, review_date, officer_id, provider_id in rows:
        title = (
            f"DRR review for order CO{order_id:06d} on {review_date:%d/%m/%Y}: "
            "no progress report yet"
        )
        for recipient in {officer_id, *clinicians.get(provider_id, [])}:
            specs.append(
                _order_spec(
                    ReminderKind.DRR_REVIEW_NO_REPORT,
                    order_id,
                    review_date,
                    recipient,
                    title,
                    subject=("reviewhearing", pk),
                )
            )
    return specs


def order_ending() -> list[ReminderSpec]:
    today = timezone.localdate()
    rows = Order.objects.filter(
        status=OrderStatus.ACTIVE,
        end_date__gte=today,
        end_date__lte=today + timedelta(days=ORDER_ENDING_DAYS),
    ).values_list("pk", "end_date", "responsible_officer_id")
    return [
        _order_spec(
            ReminderKind.ORDER_ENDING,
            pk,
            end_date,
            officer_id,
            f"Order CO{pk:06d} ends on {end_date:%d/%m/%Y}",
        )
        for pk, end_date, officer_id in rows
    ]


def warning_expiring() -> list[ReminderSpec]:
    """A warning's 12-month period ends within 7 days: from the day after its last day
    (`treatment_requirements.enforcement.warning_period_last_day`, the day before the
    anniversary) a further failure no longer requires a breach referral (Sentencing Act
    2020 Sch. 10). Due on that last day."""
    today = timezone.localdate()
    # The last day never moves earlier as the warning date moves later, so the warnings whose
    # last day is today..today+7 are those given in one range of dates.
    given_from = warning_window_start(today)
    given_before = warning_window_start(today + timedelta(days=WARNING_NOTICE_DAYS + 1))
    rows = FormalWarning.objects.filter(
        given_on__gte=given_from, given_on__lt=given_before, order__status=OrderStatus.ACTIVE
    ).values_list("pk", "order_id", "given_on", "order__responsible_officer_id")
    specs = []
    for pk, order_id, given_on, officer_id in rows:
        last_day = warning_period_last_day(given_on)
        specs.append(
            _order_spec(
                ReminderKind.WARNING_EXPIRING,
                order_id,
                last_day,
                officer_id,
                f"The warning given on {given_on:%d/%m/%Y} on order CO{order_id:06d} counts "
                f"for failures up to and including {last_day:%d/%m/%Y}",
                subject=("formalwarning", pk),
            )
        )
    return specs


def reoffending_check_due() -> list[ReminderSpec]:
    """Every referral's 12-month reoffending check (Referral.reoffending_check_due_on, the
    rule in referrals.reoffending), to whoever holds the follow-up: each order's responsible
    officer once an order was made from the referral, otherwise the assigned L&D
    practitioner, or the L&D team leads while nobody is assigned."""
    today = timezone.localdate()
    rows = list(
        Referral.objects.filter(
            reoffending_checked_on__isnull=True,
            reoffending_check_due_on__gte=today - LOOKBACK,
            reoffending_check_due_on__lte=today + timedelta(days=REOFFENDING_NOTICE_DAYS),
        ).values_list("pk", "team_id", "assigned_to_id", "reoffending_check_due_on")
    )
    orders: dict[int, list[tuple[int, int]]] = {}
    for order_id, referral_id, officer_id in Order.objects.filter(
        referral_id__in=[r[0] for r in rows]
    ).values_list("pk", "referral_id", "responsible_officer_id"):
        orders.setdefault(referral_id, []).append((order_id, officer_id))
    leads = team_leads_by_team(r[1] for r in rows if r[0] not in orders and not r[2])
    specs = []
    for pk, team_id, assignee_id, due in rows:
        for order_id, officer_id in orders.get(pk, []):
            specs.append(
                _order_spec(
                    ReminderKind.REOFFENDING_CHECK_DUE,
                    order_id,
                    due,
                    officer_id,
                    f"Reoffending check for order CO{order_id:06d} (referral R{pk:06d}) is "
                    f"due on {due:%d/%m/%Y}",
                )
            )
        if pk in orders:
            continue
        for recipient in [assignee_id] if assignee_id else leads.get(team_id, []):
            specs.append(
                ReminderSpec(
                    kind=ReminderKind.REOFFENDING_CHECK_DUE,
                    subject_type="referrals.referral",
                    subject_id=pk,
                    due_on=due,
                    recipient_id=recipient,
                    title=f"Reoffending check for referral R{pk:06d} is due on {due:%d/%m/%Y}",
                    link=link_to("referrals:referral_detail", pk),
                )
            )
    return specs


def order_allocated() -> list[ReminderSpec]:
    """An order given to an officer (made with them as responsible officer, or moved to
    them) within the look-back window: one reminder per allocation, to that officer, while
    the order is still active and still theirs."""
    now = timezone.now()
    rows = OrderAllocation.objects.filter(
        allocated_at__gte=now - LOOKBACK,
        allocated_at__lte=now,
        order__status=OrderStatus.ACTIVE,
        order__responsible_officer_id=F("officer_id"),
    ).values_list("pk", "order_id", "officer_id", "allocated_at")
    return [
        _order_spec(
            ReminderKind.ORDER_ALLOCATED,
            order_id,
            timezone.localdate(allocated_at),
            officer_id,
            f"Order CO{order_id:06d} has been allocated to you",
            subject=("orderallocation", pk),
        )
        for pk, order_id, officer_id, allocated_at in rows
    ]


register_rule(order_allocated, on_allocation=True)
register_rule(outcome_not_recorded, hourly=True)
register_rule(appointment_tomorrow)
register_rule(enforcement_deadlines)
register_rule(drr_review_without_report)
register_rule(order_ending)
register_rule(warning_expiring)
register_rule(reoffending_check_due)
