"""The client's address behind our own proxies (core/client_ip.py): the entry the last
trusted proxy appended to X-Forwarded-For, never one the browser wrote; with no proxy
configured the header is ignored. What the audit trail and the sign-in log record."""

import pytest
from axes.models import AccessAttempt, AccessLog
from django.test import Client, RequestFactory
from django.urls import reverse

from accounts.enums import AuditAction, Role
from accounts.models import AuditEvent
from core.client_ip import client_ip
from tests.factories import UserFactory

PROXY = "172.18.0.4"


def _request(forwarded=None):
    extra = {"HTTP_X_FORWARDED_FOR": forwarded} if forwarded is not None else {}
    return RequestFactory().get("/", REMOTE_ADDR=PROXY, **extra)


@pytest.mark.parametrize(
    ("proxies", "forwarded", "expected"),
    [
        (0, "203.0.113.9", PROXY),  # nothing in front: the header is anyone's to write
        (1, None, PROXY),  # reached past the proxy: only the connection is known
        (1, "203.0.113.9", "203.0.113.9"),
        (1, "198.51.100.66, 203.0.113.9", "203.0.113.9"),  # the left entry is forged
        (1, "junk, 203.0.113.9", "203.0.113.9"),
        (1, "203.0.113.9, junk", PROXY),  # what our proxy wrote is not an address
        (2, "203.0.113.9", PROXY),  # fewer entries than proxies
        (2, "198.51.100.66, 203.0.113.9, 10.0.0.5", "203.0.113.9"),
        (1, "2001:db8::1", "2001:db8::1"),
    ],
)
def test_the_client_is_the_entry_our_last_proxy_appended(settings, proxies, forwarded, expected):
    settings.LD_TRUSTED_PROXIES = proxies

    assert client_ip(_request(forwarded)) == expected


@pytest.mark.django_db
def test_the_audit_trail_and_the_sign_in_log_record_the_browser_behind_the_proxy(settings):
    settings.LD_TRUSTED_PROXIES = 1
    user = UserFactory(username="kim", role=Role.PRACTITIONER)
    browser = Client(REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="198.51.100.66, 203.0.113.9")
    sign_in = reverse("accounts:login")

    browser.post(sign_in, {"username": "kim", "password": "wrong-password-1"})
    assert AccessAttempt.objects.get(username="kim").ip_address == "203.0.113.9"
    browser.post(sign_in, {"username": "kim", "password": "correct horse battery staple"})

    assert AccessLog.objects.get(username="kim").ip_address == "203.0.113.9"
    event = AuditEvent.objects.get(action=AuditAction.SIGN_IN)
    assert (event.user, event.ip_address) == (user, "203.0.113.9")
    refused = AuditEvent.objects.filter(action=AuditAction.SIGN_IN_FAILED)
    assert set(refused.values_list("ip_address", flat=True)) == {"203.0.113.9"}
