"""GOV.UK Notify's delivery receipts: `POST /notifications/notify/callback/`.

Notify calls this for each text message and email it finished with, sending the token set
in its API integration settings as `Authorization: Bearer <token>` and a JSON body: id,
reference, to, status, created_at, completed_at, sent_at, notification_type (plus template
fields, ignored). No session, no CSRF token: the bearer token is the only credential
(LD_NOTIFY_CALLBACK_TOKEN; compared in constant time). Answers:

- 204: recorded, already recorded, a staff reminder's receipt (ignored), or no such message;
- 401 with `WWW-Authenticate: Bearer`: no or wrong token;
- 503: no token configured (every receipt refused, and the answer says why);
- 400 `application/problem+json` (RFC 9457): not JSON, a missing field, a wrong type, an
  unknown status, or a body over 10 kB.

The receipt sets the message's state and `status_at`; delivered and permanent failure are
final (a later or repeated receipt changes nothing); a permanent failure tells the officer
(notifications.rules_messages). Logged and audited with ids only: never the number.
"""

import hmac
import json
import logging
import re
from dataclasses import dataclass
from datetime import UTC, datetime

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.db import transaction
from django.http import HttpResponse, JsonResponse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from accounts.audit import audit_record
from accounts.enums import AuditAction

from .enums import PersonMessageState as State
from .models import PersonMessage
from .person_delivery import REFERENCE_PREFIX

logger = logging.getLogger(__name__)

MAX_BODY_BYTES = 10 * 1024
RECEIPT_STATES = {
    "delivered": State.DELIVERED,
    "permanent-failure": State.PERMANENT_FAILURE,
    "temporary-failure": State.TEMPORARY_FAILURE,
    "technical-failure": State.TECHNICAL_FAILURE,
}
# How far along a message is: a receipt moves it only forwards. Delivered and permanent
# failure are final; a temporary or technical failure may still be followed by either.
RANK = {
    State.PENDING: 0,
    State.SENDING: 0,
    State.SENT: 0,
    State.FAILED: 0,
    State.TEMPORARY_FAILURE: 1,
    State.TECHNICAL_FAILURE: 1,
    State.DELIVERED: 2,
    State.PERMANENT_FAILURE: 2,
}
NOTIFICATION_TYPES = ("sms", "email", "letter")
# Receipts for the staff's reminder emails and digests (notifications.delivery).
STAFF_REFERENCE = re.compile(r"(reminder|digest)-[0-9-]+")
PERSON_REFERENCE = re.compile(re.escape(REFERENCE_PREFIX) + r"([0-9]{1,18})")
FIELDS = (
    "id",
    "reference",
    "to",
    "status",
    "created_at",
    "completed_at",
    "sent_at",
    "notification_type",
)


class BadReceipt(ValueError):
    def __init__(self, problem: str, detail: str):
        super().__init__(detail)
        self.problem, self.detail = problem, detail


@dataclass(frozen=True)
class Receipt:
    notify_id: str
    reference: str
    status: str
    completed_at: datetime | None
    sent_at: datetime | None


def problem(status: int, kind: str, title: str, detail: str) -> JsonResponse:
    """An RFC 9457 problem document."""
    body = {"type": f"urn:ld-cstr:problem:{kind}", "title": title, "status": status}
    return JsonResponse(
        body | {"detail": detail}, status=status, content_type="application/problem+json"
    )


@csrf_exempt
@login_not_required
@require_POST
def notify_callback(request):
    token = settings.LD_NOTIFY_CALLBACK_TOKEN
    if not token:
        return problem(
            503,
            "not-configured",
            "Delivery receipts are not accepted",
            "No callback token is configured (LD_NOTIFY_CALLBACK_TOKEN): every receipt is "
            "refused until it is.",
        )
    if not _bearer_matches(request, token):
        response = problem(
            401, "unauthorised", "Not authorised", "Send the callback's bearer token."
        )
        response["WWW-Authenticate"] = 'Bearer realm="notify-callback"'
        return response
    try:
        receipt = parse_receipt(_body(request))
    except BadReceipt as exc:
        return problem(400, exc.problem, "Receipt not understood", exc.detail)
    receipt_record(receipt, request=request)
    return HttpResponse(status=204)


def _bearer_matches(request, token: str) -> bool:
    scheme, _, given = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer":
        return False
    return hmac.compare_digest(given.strip().encode(), token.encode())


def _body(request) -> bytes:
    try:
        declared = int(request.headers.get("Content-Length") or 0)
    except ValueError as exc:
        raise BadReceipt("too-large", "The Content-Length header is not a number.") from exc
    if declared > MAX_BODY_BYTES:
        raise BadReceipt("too-large", f"The body is over {MAX_BODY_BYTES} bytes.")
    body = request.body
    if len(body) > MAX_BODY_BYTES:
        raise BadReceipt("too-large", f"The body is over {MAX_BODY_BYTES} bytes.")
    return body


def parse_receipt(body: bytes) -> Receipt:
    """The receipt in a callback's body, or BadReceipt saying what is wrong with it."""
    try:
        data = json.loads(body)
    except (ValueError, RecursionError) as exc:  # not UTF-8, not JSON, or nested too deep
        raise BadReceipt("invalid-json", "The body is not JSON.") from exc
    if not isinstance(data, dict):
        raise BadReceipt("invalid-json", "The body is not a JSON object.")
    missing = [name for name in FIELDS if name not in data]
    if missing:
        raise BadReceipt("missing-fields", f"Missing: {', '.join(missing)}.")
    _check_strings(data, required=("id", "status", "created_at", "notification_type", "to"))
    _check_strings(data, nullable=("reference", "completed_at", "sent_at"))
    if data["status"] not in RECEIPT_STATES:
        raise BadReceipt("unknown-status", "The status is not one Notify sends in receipts.")
    if data["notification_type"] not in NOTIFICATION_TYPES:
        raise BadReceipt("wrong-type", "notification_type is not sms, email or letter.")
    if len(data["id"]) > 64:
        raise BadReceipt("wrong-type", "id is longer than 64 characters.")
    _timestamp(data, "created_at")
    return Receipt(
        notify_id=data["id"],
        reference=data["reference"] or "",
        status=data["status"],
        completed_at=_timestamp(data, "completed_at"),
        sent_at=_timestamp(data, "sent_at"),
    )


def _check_strings(data, *, required=(), nullable=()):
    for name in required:
        if not isinstance(data[name], str) or not data[name]:
            raise BadReceipt("wrong-type", f"{name} must be a non-empty string.")
    for name in nullable:
        if data[name] is not None and not isinstance(data[name], str):
            raise BadReceipt("wrong-type", f"{name} must be a string or null.")


def _timestamp(data, name) -> datetime | None:
    if data[name] is None:
        return None
    try:
        parsed = parse_datetime(data[name])
    except ValueError:
        parsed = None
    if parsed is None:
        raise BadReceipt("wrong-type", f"{name} is not a date and time.")
    return parsed if timezone.is_aware(parsed) else timezone.make_aware(parsed, UTC)


@transaction.atomic
def receipt_record(receipt: Receipt, *, request=None) -> str:
    """Record a receipt on its message; returns what happened: "recorded", "repeated" (no
    change), "staff" (a staff reminder's: ignored) or "unknown".

    Side effects: the message's state, status_at (and notify_id, sent_at if the worker
    never recorded them); an audit entry (ids only); on a permanent failure, the officer's
    reminder (notifications.rules_messages)."""
    if STAFF_REFERENCE.fullmatch(receipt.reference):
        return "staff"
    message = _message_for(receipt)
    if message is None:
        logger.info("GOV.UK Notify receipt %s matches no message", receipt.notify_id)
        return "unknown"
    new = RECEIPT_STATES[receipt.status]
    if message.state not in RANK or RANK[new] <= RANK[message.state]:
        return "repeated"
    message.state = new
    message.status_at = receipt.completed_at or timezone.now()
    message.notify_id = message.notify_id or receipt.notify_id
    message.sent_at = message.sent_at or receipt.sent_at
    message.save(update_fields=["state", "status_at", "notify_id", "sent_at"])
    audit_record(
        action=AuditAction.CHANGE,
        obj=message,
        person_id=message.person_id,
        detail=f"GOV.UK Notify receipt: {receipt.status}",
        request=request,  # Notify's address; no user
    )
    if new == State.PERMANENT_FAILURE:
        from .rules_messages import message_undelivered

        message_undelivered(message)
    return "recorded"


def _message_for(receipt: Receipt) -> PersonMessage | None:
    """The message by Notify's id; else by our reference, if no other send is recorded."""
    messages = PersonMessage.objects.select_for_update(of=("self",)).select_related(
        "appointment__order"
    )
    message = messages.filter(notify_id=receipt.notify_id).first()
    if message is not None:
        return message
    matched = PERSON_REFERENCE.fullmatch(receipt.reference)
    if matched is None:
        return None
    message = messages.filter(pk=int(matched[1])).first()
    if message is None or message.notify_id not in ("", receipt.notify_id):
        return None  # a receipt for an earlier send under the same reference
    return message
