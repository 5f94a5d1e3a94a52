"""The history of a recommendation and its order: an OrderEvent row and the audit entry
that goes with it (the person by id only)."""

from accounts.audit import audit_record

from ..models import OrderEvent


def history_record(
    *,
    recommendation,
    order=None,
    by,
    summary: str,
    obj,
    action,
    request=None,
    audit_detail: str | None = None,
) -> None:
    """Append `summary` to the history of the recommendation (and its order), and audit
    `action` on `obj` with the same words, or `audit_detail` when the summary holds free
    text about the person's case that must stay out of the audit trail."""
    OrderEvent.objects.create(
        recommendation=recommendation, order=order, by=by, summary=summary[:255]
    )
    audit_record(
        action=action,
        user=by,
        obj=obj,
        person_id=recommendation.person_id,
        detail=summary if audit_detail is None else audit_detail,
        request=request,
    )
