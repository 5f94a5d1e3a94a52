"""The person's record navigation (referrals.selectors.person_record_nav): one sub-navigation
at the top of each page of the record, linking only to the pages the user's role may see,
always to this person's pages, with the page being shown marked current."""

import re

import pytest
from django.urls import reverse

from accounts.enums import Role
from referrals.selectors import person_record_nav
from tests.assessments.factories import signed_assessment
from tests.contact_log.factories import ContactFactory
from tests.factories import PersonFactory, ReferralFactory, TeamFactory, UserFactory
from tests.treatment_requirements.factories import (
    OrderFactory,
    OrderRequirementFactory,
    ProbationOfficerFactory,
    ready_recommendation,
)

pytestmark = pytest.mark.django_db

NAV = re.compile(
    r'<nav class="moj-sub-navigation[^"]*" aria-label="Person\'s record">(.*?)</nav>', re.S
)
LINK = re.compile(
    r'<a class="moj-sub-navigation__link" href="([^"]+)"( aria-current="page")?>([^<]+)</a>'
)

# Messages (to the person, about appointments): whoever sees the person's orders.
EVERY_PAGE = ["Overview", "Contact log", "Documents", "Risk register", "Messages"]
SEEN = {
    "practitioner": EVERY_PAGE,
    "team_lead": [*EVERY_PAGE, "Subject access export", "Access to this record"],
    "officer": EVERY_PAGE,  # contact log: its own team's contacts only (contact_log/scopes.py)
    "clinician": ["Overview", "Risk register", "Messages"],
}


@pytest.fixture
def record():
    """Two people of one L&D team; the first has an order supervised by an officer and
    provided by a clinician's team, so every role reaches the first person's record."""
    team = TeamFactory(name="Nav L&D")
    users = {
        "practitioner": UserFactory(role=Role.PRACTITIONER, team=team),
        "team_lead": UserFactory(role=Role.TEAM_LEAD, team=team),
        "officer": ProbationOfficerFactory(),
    }
    person = PersonFactory(team=team, given_name="Tamsin")
    other = PersonFactory(team=team, given_name="Jago")
    ReferralFactory(person=other)
    referral = ReferralFactory(person=person)
    order = OrderFactory(
        court_outcome__recommendation=ready_recommendation(
            assessment=signed_assessment(referral=referral)
        ),
        responsible_officer=users["officer"],
    )
    requirement = OrderRequirementFactory(order=order)
    users["clinician"] = UserFactory(role=Role.PROVIDER_CLINICIAN, team=requirement.provider)
    return {"person": person, "other": other, "users": users, "team": team}


def _nav(response) -> list[tuple[str, str, bool]]:
    body = response.content.decode()
    navs = NAV.findall(body)
    assert len(navs) == 1, f"expected one record navigation, found {len(navs)}"
    return [(label, href, bool(current)) for href, current, label in LINK.findall(navs[0])]


@pytest.mark.parametrize("who", sorted(SEEN))
def test_person_page_links_only_to_the_pages_the_role_may_see(client, record, who):
    client.force_login(record["users"][who])
    person = record["person"]

    response = client.get(reverse("referrals:person_detail", args=[person.pk]))

    links = _nav(response)
    assert [label for label, _, _ in links] == SEEN[who]
    assert [label for label, _, current in links if current] == ["Overview"]
    for label, href, _ in links:
        assert f"/{person.pk}/" in href, f"{label} links to another record: {href}"
        assert client.get(href).status_code == 200, f"{who} cannot open {label}"


PAGES = {
    "Contact log": ("contact_log:contact_log", "practitioner"),
    "Documents": ("documents:person_documents", "officer"),
    "Risk register": ("risks:register", "clinician"),
    "Messages": ("person_messages:person_messages", "officer"),
    "Subject access export": ("referrals:subject_access", "team_lead"),
    "Access to this record": ("referrals:record_access", "team_lead"),
}


@pytest.mark.parametrize("label", sorted(PAGES))
def test_each_page_of_the_record_shows_the_same_navigation_with_itself_current(
    client, record, label
):
    url_name, who = PAGES[label]
    client.force_login(record["users"][who])
    person = record["person"]

    response = client.get(reverse(url_name, args=[person.pk]))

    links = _nav(response)
    assert [name for name, _, _ in links] == SEEN[who]
    assert [name for name, _, current in links if current] == [label]


def test_a_contact_page_sits_under_the_contact_log(client, record):
    practitioner = record["users"]["practitioner"]
    contact = ContactFactory(
        person=record["person"], practitioner=practitioner, author_team=record["team"]
    )
    client.force_login(practitioner)

    links = _nav(client.get(contact.get_absolute_url()))

    assert [name for name, _, current in links if current] == ["Contact log"]


def test_the_person_page_no_longer_repeats_the_links_outside_the_navigation(client, record):
    client.force_login(record["users"]["team_lead"])
    person = record["person"]

    body = client.get(reverse("referrals:person_detail", args=[person.pk])).content.decode()

    outside = NAV.sub("", body)
    for url_name in ("contact_log:contact_log", "documents:person_documents", "risks:register"):
        assert reverse(url_name, args=[person.pk]) not in outside


def test_forms_and_pages_about_others_have_no_record_navigation(client, record):
    client.force_login(record["users"]["practitioner"])

    raise_form = client.get(reverse("risks:flag_raise", args=[record["person"].pk]))
    my_work = client.get(reverse("referrals:my_work"))

    assert raise_form.status_code == 200
    assert NAV.findall(raise_form.content.decode()) == []
    assert NAV.findall(my_work.content.decode()) == []


def test_the_navigation_asks_the_policy_without_a_query(record, django_assert_num_queries):
    lead = record["users"]["team_lead"]

    with django_assert_num_queries(0):
        links = person_record_nav(lead, record["person"], "documents:document_upload")

    assert [link["label"] for link in links if link["current"]] == ["Documents"]
    assert len(links) == 7
