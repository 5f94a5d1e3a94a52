"""Where emails go: Django's email backend, or GOV.UK Notify (settings.LD_EMAIL_CHANNEL).

Both raise DeliveryError; `retryable` says whether trying again later may succeed.
`notify_earlier` asks Notify whether an email or a text message already went under a
reference (see notifications.delivery.release_stale_claims and
notifications.person_delivery); plain SMTP keeps no record to ask.
`send_person_notification` sends a message to the person (text or email) by Notify only.
"""

import smtplib
from dataclasses import dataclass

from django.conf import settings
from django.core.mail import send_mail

NOTIFY_TIMEOUT_SECONDS = 10
# Notify statuses after which nothing reached the recipient: the email may go again.
# "permanent-failure" (no such address) is not among them: it would fail again, so the
# reminder is marked failed instead (docs/security.md, "Reminders: exactly once").
NOTIFY_UNDELIVERED = frozenset({"technical-failure", "temporary-failure"})
NOTIFY_PERMANENT_FAILURE = "permanent-failure"


class DeliveryError(Exception):
    """`recipient_refused`: Notify refused the phone number or email address itself (a 400
    naming it), so the person's contact details need checking, not the service's setup."""

    def __init__(self, message: str, *, retryable: bool, recipient_refused: bool = False):
        super().__init__(message)
        self.retryable = retryable
        self.recipient_refused = recipient_refused


@dataclass(frozen=True)
class Earlier:
    """An email GOV.UK Notify already holds under a reference."""

    notify_id: str
    status: str


def send_email(*, to: str, subject: str, body: str, reference: str) -> str:
    """Send one email; returns the provider's id for it ("" from SMTP).

    `reference` identifies the reminder to the provider (no personal data)."""
    if settings.LD_EMAIL_CHANNEL == "govuk_notify":
        return _send_by_notify(to=to, subject=subject, body=body, reference=reference)
    _send_by_django(to=to, subject=subject, body=body)
    return ""


def _send_by_django(*, to, subject, body):
    try:
        send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [to])
    except smtplib.SMTPRecipientsRefused as exc:
        raise DeliveryError("recipient refused by the mail server", retryable=False) from exc
    except (smtplib.SMTPException, OSError) as exc:
        raise DeliveryError(f"mail server error: {type(exc).__name__}", retryable=True) from exc


def notify_client():
    from notifications_python_client.notifications import NotificationsAPIClient

    return NotificationsAPIClient(
        settings.GOVUK_NOTIFY_API_KEY,
        base_url=settings.GOVUK_NOTIFY_BASE_URL,
        timeout=NOTIFY_TIMEOUT_SECONDS,
    )


def _send_by_notify(*, to, subject, body, reference):
    from notifications_python_client.errors import APIError

    try:
        response = notify_client().send_email_notification(
            email_address=to,
            template_id=settings.GOVUK_NOTIFY_EMAIL_TEMPLATE_ID,
            personalisation={"subject": subject, "body": body},
            reference=reference,
        )
    except APIError as exc:
        # 429 (rate limit) and 5xx may succeed later; other 4xx never will.
        retryable = exc.status_code == 429 or exc.status_code >= 500
        raise DeliveryError(f"GOV.UK Notify {exc.status_code}", retryable=retryable) from exc
    return str((response or {}).get("id", ""))


# The fields a Notify 400 names when the recipient itself is refused ("phone_number Not a UK
# mobile number", "email_address Not a valid email address").
_RECIPIENT_FIELDS = ("phone_number", "email_address")


def send_person_notification(
    *, channel: str, to: str, template_id: str, personalisation: dict, reference: str
) -> str:
    """Send one text message ("sms") or email ("email") to the person by GOV.UK Notify;
    returns Notify's id. Raises DeliveryError: 429 and 5xx retryable, other 4xx not; the
    error's text holds the status only (Notify's message may quote the number)."""
    from notifications_python_client.errors import APIError

    client = notify_client()
    try:
        if channel == "sms":
            response = client.send_sms_notification(
                phone_number=to,
                template_id=template_id,
                personalisation=personalisation,
                reference=reference,
            )
        else:
            response = client.send_email_notification(
                email_address=to,
                template_id=template_id,
                personalisation=personalisation,
                reference=reference,
            )
    except APIError as exc:
        status = exc.status_code
        refused = status == 400 and _names_recipient(exc.message)
        raise DeliveryError(
            f"GOV.UK Notify {status}" + (": recipient refused" if refused else ""),
            retryable=status == 429 or status >= 500,
            recipient_refused=refused,
        ) from exc
    return str((response or {}).get("id", ""))


def _names_recipient(message) -> bool:
    errors = message if isinstance(message, list) else [{"message": message}]
    return any(
        str(error.get("message", "")).startswith(_RECIPIENT_FIELDS)
        for error in errors
        if isinstance(error, dict)
    )


def notify_earlier(*, reference: str) -> Earlier | None:
    """The email or text message Notify holds under `reference` that may reach (or reached)
    the recipient (the look-up lists both kinds).

    A delivered, sending or created one first; else a permanent failure; None when there is
    none, or only failures that reached no one. Raises DeliveryError when Notify cannot be
    asked (down, rate limit, bad key): the caller must then not send.
    """
    from notifications_python_client.errors import APIError

    try:
        found = notify_client().get_all_notifications(reference=reference)
    except APIError as exc:
        raise DeliveryError(f"GOV.UK Notify look-up {exc.status_code}", retryable=True) from exc
    held = [
        Earlier(notify_id=str(n.get("id", "")), status=str(n.get("status", "")))
        for n in (found or {}).get("notifications", [])
        if n.get("reference") == reference and n.get("status") not in NOTIFY_UNDELIVERED
    ]
    held.sort(key=lambda e: e.status == NOTIFY_PERMANENT_FAILURE)
    return held[0] if held else None
