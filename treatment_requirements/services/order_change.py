"""The steps every change to an order takes, written once.

    with order_change(order, by=by, request=request) as change:
        ...  # check and write the records the change is about, on change.order
        change.describe("Appointment outcome: Attended and complied", obj=appointment)

On entry: the order is locked (select_for_update), a stale edit is refused when the caller
passes the version the user saw (StaleEditError), and an ended order is refused. On a clean
exit: the order is saved with its version bumped (so a form opened on the old version is
refused), then the history row and the audit entry are written. Everything runs in one
transaction: a ValidationError raised inside leaves nothing half-saved.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import models, transaction

from accounts.enums import AuditAction
from core.concurrency import StaleEditError, save_if_current

from ..models import Order
from .history import history_record

ENDED_MESSAGE = "This order has ended: it cannot be changed."


def lock_order(order: Order, expected_version: int | None = None) -> Order:
    """The order, re-read and locked until the transaction ends; StaleEditError when
    `expected_version` is given and someone saved the order since."""
    locked = Order.objects.select_for_update().select_related("recommendation").get(pk=order.pk)
    if expected_version is not None and locked.version != expected_version:
        raise StaleEditError()
    return locked


def check_active(order: Order) -> None:
    if not order.is_active:
        raise ValidationError(ENDED_MESSAGE)


@dataclass
class OrderChange:
    """The locked order, and what the change says about itself for the history."""

    order: Order
    summary: str = ""
    obj: models.Model | None = None
    action: str = AuditAction.CHANGE
    audit_detail: str | None = None

    def describe(
        self,
        summary: str,
        *,
        obj: models.Model | None = None,
        action: str = AuditAction.CHANGE,
        audit_detail: str | None = None,
    ) -> None:
        """The history's words; the audit entry names `obj` (the order by default) and
        repeats `summary`, or `audit_detail` when the summary holds free text."""
        self.summary, self.obj, self.action = summary, obj, action
        self.audit_detail = audit_detail


@contextmanager
def order_change(
    order: Order, *, by, request=None, expected_version: int | None = None
) -> Iterator[OrderChange]:
    """Lock and check the order, let the caller change it, then bump its version and write
    the history row and the audit entry. Side effects: those two rows, the order saved."""
    with transaction.atomic():
        locked = lock_order(order, expected_version)
        check_active(locked)
        change = OrderChange(order=locked)
        yield change
        if not change.summary:
            raise ValueError("An order change must describe() itself for the history")
        save_if_current(locked, expected_version=locked.version)
        history_record(
            recommendation=locked.recommendation,
            order=locked,
            by=by,
            summary=change.summary,
            obj=change.obj or locked,
            action=change.action,
            request=request,
            audit_detail=change.audit_detail,
        )
