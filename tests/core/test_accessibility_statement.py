"""The accessibility statement: public, linked from every page, with what PSBAR 2018 asks."""

import re

import pytest
from django.urls import reverse

from accounts.middleware import ENROL, TWO_FACTOR_SESSION_KEY

STATEMENT_SECTIONS = [
    "How accessible this service is",
    "Feedback and contact information",
    "Reporting accessibility problems with this service",
    "Enforcement procedure",
    "Compliance status",
    "Non-accessible content",
    "Disproportionate burden",
    "How we tested this service",
    "Preparation of this accessibility statement",
]


def _headings(response) -> list[str]:
    return re.findall(r"<h[2-4][^>]*>([^<]*)</h[2-4]>", response.content.decode())


def test_statement_is_public_and_has_every_section_the_regulations_ask_for(client, db):
    response = client.get(reverse("accessibility"))

    assert response.status_code == 200
    headings = _headings(response)
    assert [h for h in STATEMENT_SECTIONS if h not in headings] == []
    body = response.content.decode()
    assert "This service is partially compliant with" in body
    assert "Equality and Human Rights Commission" in body
    assert "Equality Advisory and Support Service" in body
    assert "axe-core" in body
    assert "1280 pixels" in body and "390 pixels" in body
    assert 'href="mailto:servicedesk@example.nhs.uk"' in body


@pytest.mark.parametrize("page", ["accounts:login", "referrals:my_work"])
def test_every_page_links_to_the_statement_from_its_footer(practitioner_client, page):
    if page == "accounts:login":
        practitioner_client.logout()

    response = practitioner_client.get(reverse(page))

    footer = re.search(r"<footer.*?</footer>", response.content.decode(), re.S).group(0)
    assert f'href="{reverse("accessibility")}">Accessibility statement</a>' in footer


def test_statement_is_reachable_before_the_second_factor(client, practitioner):
    practitioner.two_factor_required = True  # an enrolment the session still owes
    practitioner.save(update_fields=["two_factor_required"])
    client.force_login(practitioner)
    session = client.session
    session[TWO_FACTOR_SESSION_KEY] = ENROL
    session.save()

    assert client.get(reverse("referrals:my_work")).status_code == 302
    assert client.get(reverse("accessibility")).status_code == 200
