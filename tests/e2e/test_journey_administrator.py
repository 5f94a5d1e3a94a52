"""Administrator, end to end: the audit trail (search by user and action, and who looked at a
person's record), then users and teams in the administration site. Every screen is checked
with axe-core and saved as a screenshot."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from accounts.audit import audit_record
from accounts.enums import AuditAction, Role, TeamKind
from accounts.models import User
from tests.factories import PersonFactory, TeamFactory, UserFactory

from .journey_helpers import journey_checkpoint  # noqa: F401 - a fixture

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _arrange(team, practitioner):
    admin = UserFactory(
        role=Role.ADMINISTRATOR,
        team=TeamFactory(name="Service administration", kind=TeamKind.ADMINISTRATION),
        username="alan",
        is_staff=True,
        is_superuser=True,
    )
    person = PersonFactory(team=team, nhs_number="9434765919")
    audit_record(
        user=practitioner,
        action=AuditAction.VIEW,
        obj=person,
        person_id=person.pk,
    )
    return admin, person


def test_administrator_audit_search_users_and_teams(
    signed_in_page, team, practitioner, checkpoint, live_server
):
    admin, person = _arrange(team, practitioner)
    page = signed_in_page(admin)
    expect(page.get_by_role("heading", name="Audit trail")).to_be_visible()
    checkpoint("01-audit-search")

    page.fill("#id_user", practitioner.username)
    page.select_option("#id_action", value=AuditAction.VIEW)
    page.get_by_role("button", name="Search").first.click()
    expect(page.locator("main table")).to_contain_text(practitioner.username)
    checkpoint("02-audit-results")

    page.fill("#id_nhs_number", "943 476 5919")
    page.get_by_role("button", name="Find").click()
    expect(
        page.get_by_role("heading", name=f"Who looked at person record {person.pk}")
    ).to_be_visible()
    expect(page.locator("main table").first).to_contain_text(practitioner.username)
    assert "9434765919" not in page.url and "943 476 5919" not in page.url
    checkpoint("03-who-viewed-the-person")

    # The administration site keeps the coded reference lists only: users, teams and sites
    # are managed on the service's own screens (tests/e2e/test_journey_administration_screens.py).
    page.goto(live_server.url + reverse("admin:referrals_ethnicity_changelist"))
    expect(page.locator("#result_list")).to_be_visible()
    checkpoint("04-reference-data")
    for path in ("/admin/accounts/user/", "/admin/accounts/team/"):
        assert page.goto(live_server.url + path).status == 404
    page.goto(live_server.url + reverse("admin:index"))
    expect(page.locator("#content-main")).not_to_contain_text("Users")
    expect(page.locator("#content-main")).not_to_contain_text("Teams")
    assert User.objects.filter(username=admin.username).exists()
