"""The audit trail: every view and change of a person's record, sign-ins and refusals.

Entries are append-only and chained by keyed hashes. Record with `audit_record`; the chain
and its checkpoints outside the database are checked by accounts.audit_chain (also
`manage.py verify_audit_chain`). People belong to referrals, to
the right of accounts: referrals registers how to find a person by NHS number
(`register_person_finder`), for searching the trail by it.
"""

import datetime
from collections.abc import Callable

from django.db import connection, transaction
from django.db.models import Count, Max, Min
from django.utils import timezone

from core.client_ip import client_ip

from .audit_chain import GENESIS_HASH
from .enums import AuditAction
from .models import AuditEvent

_CHAIN_LOCK_KEY = 7_402_113  # any constant: serialises writers of the chain on PostgreSQL


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
            ip_address=client_ip(request),
            previous_hash=previous or GENESIS_HASH,
        )
        event.entry_hash = event.compute_hash()
        event.save()
    return event


def audit_request(request, *, action, obj=None, object_type="", person_id=None, detail=""):
    """Record what the signed-in user did on this request: opened, exported, searched or
    was refused. `detail` holds ids and codes only."""
    return audit_record(
        action=action,
        user=request.user,
        obj=obj,
        object_type=object_type,
        person_id=person_id,
        detail=detail,
        request=request,
    )


def audit_view(request, obj, person_id, detail=""):
    """Record that the signed-in user opened `obj` about the person (every view of a
    person's data is audited). `detail` holds ids and codes only."""
    return audit_request(
        request, action=AuditAction.VIEW, obj=obj, person_id=person_id, detail=detail
    )


def audit_form_view(request, obj, person_id):
    """A form page about the person opened (GET only: its POST writes its own entry);
    the detail is the page's URL name."""
    if request.method == "GET":
        match = request.resolver_match
        audit_view(request, obj, person_id, match.url_name if match else "")


def audit_refusal(request, detail: str):
    """A request refused (out of scope, missing), named by its view; the refusal
    middleware then does not record it again."""
    request.refusal_audited = True
    match = request.resolver_match
    return audit_request(
        request,
        action=AuditAction.REFUSED,
        object_type=match.view_name if match else "",
        detail=detail,
    )


def audit_person_record(obj, *, action, by, detail, request=None):
    """A service's change to `obj`, a record about a person (its `person_id`)."""
    return audit_record(
        action=action,
        user=by,
        obj=obj,
        person_id=obj.person_id,
        detail=detail,
        request=request,
    )


# Actions that count as someone looking at a person's record.
LOOKED_AT = (AuditAction.VIEW, AuditAction.EXPORT)


def audit_search(*, person_id=None, username="", action="", date_from=None, date_to=None):
    """Audit entries matching the filters, newest first (a lazy queryset, never counted).

    Dates are local calendar days, both ends included.
    """
    events = AuditEvent.objects.select_related("user").order_by("-id")
    if person_id is not None:
        events = events.filter(person_id=person_id)
    if username:
        events = events.filter(username=username)
    if action:
        events = events.filter(action=action)
    if date_from is not None:
        events = events.filter(at__gte=_start_of_day(date_from))
    if date_to is not None:
        events = events.filter(at__lt=_start_of_day(date_to + datetime.timedelta(days=1)))
    return events


def audit_page(events, *, before=None, size=50):
    """One page of `events` by keyset (ids below `before`), without COUNT(*) on a huge table.

    Returns (entries, next_before): next_before is the id to pass for the next page, or None.
    """
    if before is not None:
        events = events.filter(id__lt=before)
    entries = list(events[: size + 1])
    if len(entries) > size:
        return entries[:size], entries[size - 1].pk
    return entries, None


def viewers_of_person(person_id):
    """Who looked at this person's record: one row per user with first and last look."""
    return (
        AuditEvent.objects.filter(person_id=person_id, action__in=LOOKED_AT)
        .values("user_id", "username")
        .annotate(looks=Count("id"), first_at=Min("at"), last_at=Max("at"))
        .order_by("-last_at")
    )


# find(nhs_number) -> the person's id or None (referrals registers it in its apps.py)
_PERSON_FINDERS: list[Callable[[str], int | None]] = []


def register_person_finder(find: Callable[[str], int | None]) -> None:
    """find(nhs_number) returns the id of the person recorded with that (checked) NHS
    number, or None."""
    if find not in _PERSON_FINDERS:
        _PERSON_FINDERS.append(find)


def person_id_by_nhs_number(nhs_number: str) -> int | None:
    """The id of the person recorded with this NHS number, or None."""
    for find in _PERSON_FINDERS:
        if (person_id := find(nhs_number)) is not None:
            return person_id
    return None


def _start_of_day(day):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))
