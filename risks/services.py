"""Writes to the risk register: raise, review, remove. Each one validates with
`risks.rules`, writes a `RiskFlagEvent` history row and an audit entry (ids only), in one
transaction; review and removal are refused when someone else saved the flag first.
"""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction

from accounts.audit import audit_record
from accounts.enums import AuditAction
from core.concurrency import StaleEditError, save_if_current
from referrals.work_order import refresh_work_order_of

from . import rules
from .enums import RiskEventKind, RiskSource, RiskType
from .models import RiskFlag, RiskFlagEvent


def _history(flag: RiskFlag, *, kind, on, by, note="", next_review_on=None, action, request):
    RiskFlagEvent.objects.create(
        flag=flag, kind=kind, happened_on=on, by=by, note=note, next_review_on=next_review_on
    )
    audit_record(
        action=action,
        user=by,
        obj=flag,
        person_id=flag.person_id,
        detail=f"risk flag {kind}",
        request=request,
    )


def _text(value: str, field: str, limit: int, *, required: bool, message: str = "") -> str:
    value = (value or "").strip()
    if required and not value:
        raise ValidationError({field: message})
    if len(value) > limit:
        raise ValidationError({field: f"Must be {limit} characters or fewer"})
    return value


@transaction.atomic
def risk_flag_raise(
    *,
    person,
    risk_type: str,
    by,
    team,
    raised_on: datetime.date | None = None,
    next_review_on: datetime.date | None = None,
    note: str = "",
    mappa_category: int | None = None,
    mappa_level: int | None = None,
    rosh_level: str = "",
    source: str = RiskSource.RAISED_BY_HAND,
    request=None,
) -> RiskFlag:
    """Put a flag on the person's register, owned by `team`.

    The next review defaults to `rules.default_review_date` for the type. Raises
    ValidationError naming the field for a date in the future or past, or MAPPA/ROSH
    details missing or not wanted. Side effects: a "raised" history row, an audit entry.
    """
    raised_on, next_review_on = _raise_checked(
        risk_type,
        raised_on=raised_on,
        next_review_on=next_review_on,
        mappa_category=mappa_category,
        mappa_level=mappa_level,
        rosh_level=rosh_level,
    )
    flag = RiskFlag(
        person=person,
        risk_type=risk_type,
        mappa_category=mappa_category,
        mappa_level=mappa_level,
        rosh_level=rosh_level or "",
        note=_text(note, "note", rules.NOTE_MAX_LENGTH, required=False),
        source=source,
        raised_by=by,
        raised_on=raised_on,
        team=team,
        next_review_on=next_review_on,
    )
    flag.save()
    _refresh_work_order(person.pk)
    _history(
        flag,
        kind=RiskEventKind.RAISED,
        on=raised_on,
        by=by,
        next_review_on=next_review_on,
        action=AuditAction.CREATE,
        request=request,
    )
    return flag


def _raise_checked(
    risk_type: str, *, raised_on, next_review_on, mappa_category, mappa_level, rosh_level
) -> tuple[datetime.date, datetime.date]:
    """The flag's raised and next-review dates (defaults filled in), once its type, details
    and dates are valid; otherwise a ValidationError naming every field at fault."""
    on = rules.today()
    raised_on = raised_on or on
    if risk_type not in RiskType.values:
        raise ValidationError({"risk_type": "Select the type of risk"})
    errors = rules.detail_errors(
        risk_type, mappa_category=mappa_category, mappa_level=mappa_level, rosh_level=rosh_level
    )
    if problem := rules.raised_on_error(raised_on, on):
        errors["raised_on"] = problem
    next_review_on = next_review_on or rules.default_review_date(risk_type, raised_on)
    # The review date is judged against the raised date, so only once that one is sound.
    if not errors and (
        problem := rules.next_review_error(next_review_on, not_before=raised_on, on=on)
    ):
        errors["next_review_on"] = problem
    if errors:
        raise ValidationError(errors)
    return raised_on, next_review_on


def _refresh_work_order(person_id: int) -> None:
    """A flag raised or removed can move each of the person's referrals in "most urgent
    first" (a self-harm flag puts them first): store their keys again."""
    refresh_work_order_of(person_id=person_id)


def _lock(flag: RiskFlag, expected_version: int) -> RiskFlag:
    locked = RiskFlag.objects.select_for_update().get(pk=flag.pk)
    if locked.version != expected_version:
        raise StaleEditError()
    if not locked.is_current:
        raise ValidationError("This flag has been removed: it cannot be changed.")
    return locked


@transaction.atomic
def risk_flag_review(
    *,
    flag: RiskFlag,
    expected_version: int,
    reviewed_on: datetime.date,
    next_review_on: datetime.date,
    note: str,
    by,
    request=None,
) -> RiskFlag:
    """Record a review of a current flag: the date, a note, and the next review date.

    Raises StaleEditError when someone saved the flag since the form was opened, and
    ValidationError for dates out of range or a missing note. Side effects: a "reviewed"
    history row, an audit entry; the flag's version goes up.
    """
    flag = _lock(flag, expected_version)
    on = rules.today()
    note = _text(note, "note", rules.REASON_MAX_LENGTH, required=True, message="Enter a note")
    errors = {}
    if problem := rules.reviewed_on_error(reviewed_on, raised_on=flag.raised_on, on=on):
        errors["reviewed_on"] = problem
    elif problem := rules.next_review_error(next_review_on, not_before=reviewed_on, on=on):
        errors["next_review_on"] = problem
    if errors:
        raise ValidationError(errors)
    flag.last_reviewed_on = reviewed_on
    flag.next_review_on = next_review_on
    save_if_current(
        flag,
        expected_version=expected_version,
        update_fields=["last_reviewed_on", "next_review_on", "updated_at"],
    )
    _history(
        flag,
        kind=RiskEventKind.REVIEWED,
        on=reviewed_on,
        by=by,
        note=note,
        next_review_on=next_review_on,
        action=AuditAction.CHANGE,
        request=request,
    )
    return flag


@transaction.atomic
def risk_flag_remove(
    *, flag: RiskFlag, expected_version: int, reason: str, by, request=None
) -> RiskFlag:
    """Take a flag off the person's current risks, with a reason; it stays on the register
    (removed) with its whole history. Never deletes.

    Raises StaleEditError (someone saved first) or ValidationError (no reason, or already
    removed). Side effects: a "removed" history row, an audit entry.
    """
    flag = _lock(flag, expected_version)
    reason = _text(
        reason,
        "reason",
        rules.REASON_MAX_LENGTH,
        required=True,
        message="Enter why the flag is being removed",
    )
    flag.removed_on = rules.today()
    flag.removed_by = by
    flag.removal_reason = reason
    save_if_current(
        flag,
        expected_version=expected_version,
        update_fields=["removed_on", "removed_by", "removal_reason", "updated_at"],
    )
    _refresh_work_order(flag.person_id)
    _history(
        flag,
        kind=RiskEventKind.REMOVED,
        on=flag.removed_on,
        by=by,
        note=reason,
        action=AuditAction.CHANGE,
        request=request,
    )
    return flag
