"""Checks shared by the administration screens' tests."""

import re

from django.test import Client
from django.urls import reverse

from accounts.models import AuditEvent

PASSWORD = "correct horse battery staple"


def broken_summary_links(body):
    """Error summary links that point at no element of the page."""
    start = body.index('class="govuk-error-summary"')
    summary = body[start : body.index("</ul>", start)]
    ids = set(re.findall(r'id="([^"]+)"', body))
    links = re.findall(r'href="#([^"]+)"', summary)
    assert links
    return [link for link in links if link not in ids]


def audits(user, **filters):
    return list(
        AuditEvent.objects.filter(user=user, **filters)
        .order_by("id")
        .values_list("action", "object_type", "object_id", "detail")
    )


def can_sign_in(username, password=PASSWORD):
    response = Client().post(
        reverse("accounts:login"), {"username": username, "password": password}
    )
    return response.status_code == 302


def signed_in_client(user):
    signed_in = Client()
    response = signed_in.post(
        reverse("accounts:login"), {"username": user.username, "password": PASSWORD}
    )
    assert response.status_code == 302
    return signed_in
