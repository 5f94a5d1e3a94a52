"""Enforcement: warnings and breach referrals as the rule allows, and breach outcomes."""

import datetime

from dateutil.relativedelta import relativedelta
from django.core.exceptions import ValidationError
from django.utils import timezone

from accounts.enums import AuditAction

from .. import enforcement
from ..enums import (
    BreachOutcome,
    EnforcementAction,
    OrderStatus,
    TerminationReason,
)
from ..models import (
    MAX_EXTENSION_MONTHS,
    Appointment,
    BreachReferral,
    DrugTest,
    Failure,
    FormalWarning,
    Order,
)
from .court import order_requirement_add
from .order_change import order_change

BREACH_REQUIRED_MESSAGE = (
    "A warning cannot be given: this failure falls within the 12-month period of a warning "
    "already given on this order, so you must refer for breach"
)


def failure_open(
    *,
    order: Order,
    failure_date: datetime.date,
    description: str,
    by,
    appointment: Appointment | None = None,
    drug_test: DrugTest | None = None,
) -> Failure:
    """Open an unacceptable failure to comply from its one source (an appointment or a drug
    test), with the enforcement deadline N working days after it.

    Called inside the transaction of the service that recorded the source, which writes the
    history and audit entries.
    """
    return Failure.objects.create(
        order=order,
        appointment=appointment,
        drug_test=drug_test,
        failure_date=failure_date,
        description=description,
        deadline=enforcement.enforcement_deadline(
            failure_date, region=order.probation_team.bank_holidays
        ),
        recorded_by=by,
    )


def warnings_in_force(failure: Failure) -> list[FormalWarning]:
    """The warnings given earlier on this failure's order whose 12-month period covers the
    failure's date (`enforcement.warning_counts_against`). Warnings on the person's other
    orders never count: the rule is about "this order"."""
    others = (
        FormalWarning.objects.filter(order_id=failure.order_id)
        .exclude(failure_id=failure.pk)
        .order_by("given_on", "id")
    )
    return [
        w for w in others if enforcement.warning_counts_against(w.given_on, failure.failure_date)
    ]


def allowed_actions(failure: Failure) -> list[str]:
    """The enforcement actions the rule allows for this failure (docs/domain.md "Enforcement")."""
    warning_dates = [w.given_on for w in warnings_in_force(failure)]
    rule = enforcement.required_action(failure.failure_date, warning_dates)
    if rule == enforcement.BREACH:
        return [EnforcementAction.BREACH]
    return [EnforcementAction.WARNING, EnforcementAction.BREACH]


def warning_letter_text(*, failure: Failure, given_on: datetime.date, officer) -> str:
    """The warning letter: the failure, that it is unacceptable, and the 12-month consequence
    with the period's last day (the day before the anniversary of the warning)."""
    person = failure.order.person
    last_day = enforcement.warning_period_last_day(given_on)
    return (
        f"Dear {person.full_name},\n\n"
        f"Formal warning: {failure.order.get_order_type_display().lower()} made on "
        f"{failure.order.made_on:%d/%m/%Y}.\n\n"
        f"{failure.description}\n\n"
        "I consider this a failure to comply with your order, and that you did not have an "
        "acceptable reason. It is unacceptable.\n\n"
        "This is a formal warning. If you fail again without an acceptable reason within "
        f"12 months of this warning (that is, from {given_on:%d/%m/%Y} up to and including "
        f"{last_day:%d/%m/%Y}), you will be liable to be brought back before the court, which "
        "may add to your order or revoke it and sentence you again for the original "
        "offence.\n\n"
        f"Given on {given_on:%d/%m/%Y} by {officer.display_name}, responsible officer."
    )


def failure_take_action(
    *,
    failure: Failure,
    action: str,
    action_on: datetime.date | None = None,
    details: str = "",
    by,
    request=None,
) -> FormalWarning | BreachReferral:
    """Give a warning or refer for breach, as the enforcement rule allows.

    A warning where the rule requires breach is refused, as is any action on an ended
    order. Side effects: the FormalWarning (with its letter text) or BreachReferral, and
    as every order change (`order_change`) the order's version, history, audit entry.
    """
    with order_change(failure.order, by=by, request=request) as change:
        current = Failure.objects.select_for_update().get(pk=failure.pk)
        if current.action:
            raise ValidationError("Enforcement action has already been recorded for this failure.")
        action_on = action_on or timezone.localdate()
        if action_on < current.failure_date or action_on > timezone.localdate():
            raise ValidationError({"action_on": "The date must be between the failure and today"})
        if action not in allowed_actions(current):
            raise ValidationError({"action": BREACH_REQUIRED_MESSAGE}, code="breach_required")
        current.action, current.action_on, current.action_by = action, action_on, by
        current.save(update_fields=["action", "action_on", "action_by", "updated_at"])
        record = _enforcement_record(change.order, current, action, details=details, by=by)
        change.describe(
            f"Enforcement: {EnforcementAction(action).label.lower()}",
            obj=record,
            action=AuditAction.CREATE,
        )
    return record


def _enforcement_record(order: Order, failure: Failure, action: str, *, details: str, by):
    if action == EnforcementAction.WARNING:
        return FormalWarning.objects.create(
            order=order,
            failure=failure,
            given_on=failure.action_on,
            letter_text=warning_letter_text(
                failure=failure, given_on=failure.action_on, officer=by
            ),
            given_by=by,
        )
    return BreachReferral.objects.create(
        order=order,
        failure=failure,
        referred_on=failure.action_on,
        details=details or failure.description,
        referred_by=by,
    )


def breach_record_outcome(
    *,
    breach: BreachReferral,
    outcome: str,
    outcome_on: datetime.date,
    notes: str = "",
    extension_months: int = 0,
    added_requirement: dict | None = None,
    by,
    request=None,
) -> BreachReferral:
    """Record what the court did on breach: continue, add requirements, extend (once, up to
    6 months), or revoke and resentence (which ends the order). Side effects (as every
    order change, `order_change`): the order's version, history, audit entry."""
    with order_change(breach.order, by=by, request=request) as change:
        order = change.order
        current = BreachReferral.objects.select_for_update().get(pk=breach.pk)
        _check_breach_outcome(current, outcome, outcome_on)
        if outcome == BreachOutcome.EXTENDED:
            _extend(order, extension_months)
        elif outcome == BreachOutcome.REQUIREMENTS_ADDED:
            if not added_requirement or not added_requirement.get("kind"):
                raise ValidationError({"kind": "Select the requirement the court added"})
            order_requirement_add(
                order,
                added_requirement,
                added_on_breach=True,
                start=max(outcome_on, order.start_date),
                sentenced_on=outcome_on,
            )
        current.outcome, current.outcome_on, current.outcome_notes = outcome, outcome_on, notes
        current.extension_months = extension_months if outcome == BreachOutcome.EXTENDED else 0
        current.save()
        if outcome == BreachOutcome.REVOKED_RESENTENCED:
            order.status, order.terminated_on = OrderStatus.TERMINATED, outcome_on
            order.termination_reason = TerminationReason.REVOKED_BREACH
            order.termination_notes = notes
        change.describe(f"Breach outcome: {BreachOutcome(outcome).label}", obj=current)
    return current


def _check_breach_outcome(breach: BreachReferral, outcome: str, outcome_on: datetime.date):
    if breach.outcome != BreachOutcome.PENDING:
        raise ValidationError("The outcome of this breach has already been recorded.")
    if outcome == BreachOutcome.PENDING:
        raise ValidationError({"outcome": "Select what the court decided"})
    if outcome_on < breach.referred_on or outcome_on > timezone.localdate():
        raise ValidationError(
            {"outcome_on": "The date must be between the breach referral and today"}
        )


def _extend(order: Order, months: int):
    if order.extended_months:
        raise ValidationError(
            {"extension_months": "This order has already been extended once: it cannot be again"}
        )
    if not 1 <= (months or 0) <= MAX_EXTENSION_MONTHS:
        raise ValidationError(
            {"extension_months": f"An extension is between 1 and {MAX_EXTENSION_MONTHS} months"}
        )
    order.extended_months = months
    order.end_date = order.end_date + relativedelta(months=months)
