"""The audit trail: every view and change of a person's record, sign-ins and refusals.

Entries are append-only and hash-chained. Record with `audit_record`; check the chain
with `verify_chain` (also `manage.py verify_audit_chain`).
"""

from django.db import connection, transaction
from django.utils import timezone

from .models import AuditEvent

GENESIS_HASH = "0" * 64
_CHAIN_LOCK_KEY = 7_402_113  # any constant: serialises writers of the chain on PostgreSQL


def _client_ip(request):
    if request is None:
        return None
    return request.META.get("REMOTE_ADDR") or None


def audit_record(
    *,
    action,
    user=None,
    obj=None,
    object_type="",
    object_id="",
    person_id=None,
    detail="",
    request=None,
    username="",
):
    """Append one entry to the audit trail. `detail` must hold no personal data."""
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or str(obj.pk)
    if user is not None and not user.is_authenticated:
        user = None
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_CHAIN_LOCK_KEY])
        previous = AuditEvent.objects.order_by("-id").values_list("entry_hash", flat=True).first()
        event = AuditEvent(
            at=timezone.now(),
            user=user,
            username=(user.get_username() if user else username)[:150],
            action=action,
            object_type=object_type,
            object_id=str(object_id)[:64],
            person_id=person_id,
            detail=detail[:255],
            ip_address=_client_ip(request),
            previous_hash=previous or GENESIS_HASH,
        )
        event.entry_hash = event.compute_hash()
        event.save()
    return event


def verify_chain():
    """Return the id of the first entry whose hash or link is wrong, or None if intact."""
    expected_previous = GENESIS_HASH
    for event in AuditEvent.objects.order_by("id").iterator(chunk_size=2000):
        if event.previous_hash != expected_previous or event.entry_hash != event.compute_hash():
            return event.pk
        expected_previous = event.entry_hash
    return None
