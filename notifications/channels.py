"""Where emails go: Django's email backend, or GOV.UK Notify (settings.LD_EMAIL_CHANNEL).

Both raise DeliveryError; `retryable` says whether trying again later may succeed.
"""

import smtplib

from django.conf import settings
from django.core.mail import send_mail

NOTIFY_TIMEOUT_SECONDS = 10


class DeliveryError(Exception):
    def __init__(self, message: str, *, retryable: bool):
        super().__init__(message)
        self.retryable = retryable


def send_email(*, to: str, subject: str, body: str, reference: str) -> None:
    """Send one email. `reference` identifies the reminder to the provider (no personal data)."""
    if settings.LD_EMAIL_CHANNEL == "govuk_notify":
        _send_by_notify(to=to, subject=subject, body=body, reference=reference)
    else:
        _send_by_django(to=to, subject=subject, body=body)


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
        notify_client().send_email_notification(
            email_address=to,
            template_id=settings.GOVUK_NOTIFY_EMAIL_TEMPLATE_ID,
            personalisation={"subject": subject, "body": body},
            reference=reference,
        )
    except APIError as exc:
        # 429 (rate limit) and 5xx may succeed later; other 4xx never will.
        retryable = exc.status_code == 429 or exc.status_code >= 500
        raise DeliveryError(f"GOV.UK Notify {exc.status_code}", retryable=retryable) from exc
