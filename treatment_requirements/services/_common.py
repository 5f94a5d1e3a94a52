"""Helpers shared by the services: history and audit, locking, common checks."""

from django.core.exceptions import ValidationError

from accounts.audit import audit_record
from accounts.enums import AuditAction, TeamKind
from core.concurrency import StaleEditError, save_if_current

from ..enums import (
    RequirementKind,
)
from ..models import (
    Order,
    OrderEvent,
)


def _history(*, recommendation, order=None, by, summary, obj, action, request=None):
    OrderEvent.objects.create(
        recommendation=recommendation, order=order, by=by, summary=summary[:255]
    )
    audit_record(
        action=action,
        user=by,
        obj=obj,
        person_id=recommendation.person_id,
        detail=summary,
        request=request,
    )


def _order_history(order, *, by, summary, obj=None, action=AuditAction.CHANGE, request=None):
    _history(
        recommendation=order.recommendation,
        order=order,
        by=by,
        summary=summary,
        obj=obj or order,
        action=action,
        request=request,
    )


def _lock_order(order: Order, expected_version: int | None = None) -> Order:
    locked = Order.objects.select_for_update().select_related("recommendation").get(pk=order.pk)
    if expected_version is not None and locked.version != expected_version:
        raise StaleEditError()
    return locked


def _bump(order: Order):
    save_if_current(order, expected_version=order.version, update_fields=["updated_at"])


def _check_combination(kinds):
    if len(set(kinds)) != len(kinds):
        raise ValidationError({"kinds": "Propose each requirement only once"})
    if not kinds:
        raise ValidationError({"kinds": "Select at least one requirement to propose"})
    if RequirementKind.mhtr() <= set(kinds):
        raise ValidationError(
            {"kinds": "Propose either a primary-care or a secondary-care MHTR, not both"}
        )


def _check_provider(provider):
    if provider is None or provider.kind != TeamKind.TREATMENT_PROVIDER or not provider.is_active:
        raise ValidationError({"provider": "Choose an active treatment provider"})


def _check_duration(months):
    if months is not None and not 1 <= months <= 36:
        raise ValidationError({"duration_months": "The duration must be between 1 and 36 months"})


def _check_active(order: Order):
    if not order.is_active:
        raise ValidationError("This order has ended: it cannot be changed.")
