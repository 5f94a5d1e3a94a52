"""Handing an order over: a new responsible officer in its probation team, or a transfer
to an officer of another probation team (the policy's Action.TRANSFER decides who may)."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.enums import Role, TeamKind
from accounts.policy import Action, Kind, permits
from core.queueing import enqueue_on_commit
from referrals.services import ALLOCATION_REMINDERS_TASK

from ..models import Appointment, Order, OrderAllocation
from ..signals import HANDED_OVER, appointments_changed
from .order_change import order_change

REASON_MAX_LENGTH = 500


def order_reallocate(
    *, order: Order, officer, reason: str, expected_version: int, by, request=None
) -> OrderAllocation:
    """Make `officer` the order's responsible officer, for `reason`.

    The officer must be an active probation officer of an active probation team: the
    order's own team, or another one when `by` may transfer orders (then the order's
    probation team changes too). Refuses an ended order and a stale edit.
    Side effects: an OrderAllocation row (New to me, and the officer's inbox reminder from
    notifications.rules_tr.order_allocated, nudged on commit), a history row and an audit
    entry; `appointments_changed` ("handed_over") with the appointments still to come.
    """
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "Enter why the responsible officer is changing"})
    if len(reason) > REASON_MAX_LENGTH:
        raise ValidationError(
            {"reason": f"The reason must be {REASON_MAX_LENGTH} characters or fewer"}
        )
    with transaction.atomic():
        with order_change(
            order, by=by, request=request, expected_version=expected_version
        ) as change:
            order = change.order
            _check_new_officer(order, officer, by)
            previous = order.responsible_officer
            transfer = officer.team_id != order.probation_team_id
            order.responsible_officer, order.probation_team_id = officer, officer.team_id
            allocation = OrderAllocation.objects.create(
                order=order, officer=officer, allocated_by=by, reason=reason
            )
            moved = f" and transferred to {officer.team.name}" if transfer else ""
            # The reason is free text about the person's case: on the order's history, never
            # in the audit trail (ids only there).
            change.describe(
                f"Responsible officer changed from {previous.display_name} to "
                f"{officer.display_name}{moved}: {reason}",
                audit_detail=f"{'transferred' if transfer else 'reallocated'} to user {officer.pk}",
            )
            enqueue_on_commit(ALLOCATION_REMINDERS_TASK, once=True)
        # After order_change saved the order with its new officer, in the same
        # transaction: the calendar invites move with the order.
        _appointments_handed_over(order, previous=previous, by=by)
    return allocation


def _appointments_handed_over(order: Order, *, previous, by) -> None:
    """`appointments_changed` ("handed_over"): the order's appointments still to come, and
    the officer who held them."""
    upcoming = order.appointments.filter(outcome="", starts_at__gt=timezone.now())
    appointments_changed.send(
        sender=Appointment,
        change=HANDED_OVER,
        appointments=list(upcoming.order_by("starts_at", "pk")),
        replaced=None,
        by=by,
        send_to_person=True,
        previous_officer=previous,
    )


def _check_new_officer(order: Order, officer, by):
    if (
        officer is None
        or not officer.is_active
        or officer.role != Role.PROBATION_OFFICER
        or officer.team is None
        or officer.team.kind != TeamKind.PROBATION
        or not officer.team.is_active
    ):
        raise ValidationError(
            {"officer": "Choose an active probation officer of an active probation team"}
        )
    if officer.pk == order.responsible_officer_id:
        raise ValidationError({"officer": "This officer is already responsible for the order"})
    if officer.team_id != order.probation_team_id and not permits(by, Action.TRANSFER, Kind.ORDER):
        raise ValidationError(
            {"officer": "Choose an officer of the order's probation team: you cannot transfer it"}
        )


def orders_reallocate(
    *, versions: dict[int, int], queryset, officer, reason: str, by, request=None
) -> int:
    """Hand several orders to one officer, all or none.

    `versions` maps each order's id to the version the user saw; `queryset` holds the
    orders the user may allocate (scoped by the caller through the policy): an id outside
    it refuses the lot with Order.DoesNotExist. Each goes through order_reallocate (same
    checks and side effects); a refusal names the order. Returns how many.
    """
    with transaction.atomic():
        orders = list(queryset.filter(pk__in=versions).order_by("pk"))
        if len(orders) != len(versions):
            raise Order.DoesNotExist("A selected order is outside your caseload")
        for order in orders:
            try:
                order_reallocate(
                    order=order,
                    officer=officer,
                    reason=reason,
                    expected_version=versions[order.pk],
                    by=by,
                    request=request,
                )
            except ValidationError as exc:
                raise ValidationError(f"Order {order.reference}: {exc.messages[0]}") from exc
    return len(orders)
