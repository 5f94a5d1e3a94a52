"""Two-factor sign-in is required by default of administrators, commissioners and team leads
(migration accounts 0005), stays a per-role choice, and a requirement switched on reaches
sessions already signed in at their next request."""

import importlib

import pytest
from django.apps import apps
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.enums import Role, TeamKind
from accounts.models import RolePolicy
from tests.factories import TeamFactory, UserFactory

pytestmark = pytest.mark.django_db

LOGIN = reverse("accounts:login")
PAGE = reverse("accounts:password_change")
VERIFY = reverse("accounts:two_factor_verify")
ENROL = reverse("accounts:two_factor_enrol")
PASSWORD = "correct horse battery staple"
DEFAULT_ROLES = {Role.ADMINISTRATOR, Role.COMMISSIONER, Role.TEAM_LEAD}

_migration = importlib.import_module("accounts.migrations.0005_two_factor_required_by_default")


@pytest.fixture
def two_factor_by_default(db):
    """The roles' rules as migration 0005 leaves them (tests/conftest.py starts with none)."""
    _migration.require_two_factor(apps, None)


def _sign_in(user):
    client = Client()
    response = client.post(LOGIN, {"username": user.username, "password": PASSWORD})
    assert response.status_code == 302
    return client


def _code(device):
    return f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift):06d}"


@pytest.fixture
def users(team):
    commissioning = TeamFactory(name="Commissioning", kind=TeamKind.COMMISSIONER)
    return {
        role: UserFactory(
            role=role,
            team=commissioning if role == Role.COMMISSIONER else team,
            username=role.value,
        )
        for role in Role
    }


def test_the_migration_requires_it_of_administrators_commissioners_and_team_leads(db):
    RolePolicy.objects.all().delete()
    RolePolicy.objects.create(role=Role.PRACTITIONER, require_two_factor=False)
    RolePolicy.objects.create(role=Role.TEAM_LEAD, require_two_factor=False)

    _migration.require_two_factor(apps, None)

    required = {role for role in Role if RolePolicy.requires_two_factor(role)}
    assert required == DEFAULT_ROLES
    assert RolePolicy.objects.filter(role=Role.TEAM_LEAD).count() == 1  # kept, not doubled


def test_each_default_role_is_sent_to_set_up_an_app_and_the_others_are_not(
    two_factor_by_default, users
):
    landing = {role: _sign_in(user).get(PAGE) for role, user in users.items()}

    sent_to_enrol = {role for role, page in landing.items() if page.status_code == 302}
    assert sent_to_enrol == DEFAULT_ROLES
    assert {landing[role].url.split("?")[0] for role in DEFAULT_ROLES} == {ENROL}


def test_a_default_role_with_an_app_must_enter_its_code(two_factor_by_default, users):
    lead = users[Role.TEAM_LEAD]
    device = TOTPDevice.objects.create(user=lead, name="Phone", confirmed=True)
    client = _sign_in(lead)

    assert client.get(PAGE).url.startswith(VERIFY)
    client.post(VERIFY, {"token": _code(device)})
    assert client.get(PAGE).status_code == 200


def test_a_role_switched_on_reaches_sessions_signed_in_before_at_their_next_request(users):
    practitioner, officer = users[Role.PRACTITIONER], users[Role.PROBATION_OFFICER]
    TOTPDevice.objects.create(user=officer, name="Phone", confirmed=False)  # never confirmed
    signed_in = {user: _sign_in(user) for user in (practitioner, officer)}
    assert [c.get(PAGE).status_code for c in signed_in.values()] == [200, 200]

    RolePolicy.objects.create(role=Role.PRACTITIONER, require_two_factor=True)

    practitioner_page = signed_in[practitioner].get(PAGE)
    assert practitioner_page.status_code == 302
    assert practitioner_page.url == f"{ENROL}?next=%2Faccount%2Fpassword%2F"
    assert signed_in[officer].get(PAGE).status_code == 200  # another role: unchanged
    # The session can still set the app up and sign out, and nothing else.
    assert signed_in[practitioner].get(ENROL).status_code == 200
    assert signed_in[practitioner].get(reverse("referrals:my_work")).status_code == 302


def test_a_signed_in_user_with_an_app_is_asked_for_a_code_when_their_role_is_switched_on(
    users,
):
    officer = users[Role.PROBATION_OFFICER]
    TOTPDevice.objects.create(user=officer, name="Phone", confirmed=True)
    RolePolicy.objects.filter(role=Role.PROBATION_OFFICER).delete()
    client = Client()
    client.force_login(officer)  # as a session from before the app needed a code
    session = client.session
    session.pop("accounts_two_factor_step", None)
    session.save()
    assert client.get(PAGE).status_code == 200

    RolePolicy.objects.create(role=Role.PROBATION_OFFICER, require_two_factor=True)

    assert client.get(PAGE).url.startswith(VERIFY)


def test_a_verified_session_carries_on_when_its_role_is_switched_on(users):
    clinician = users[Role.PROVIDER_CLINICIAN]
    device = TOTPDevice.objects.create(user=clinician, name="Phone", confirmed=True)
    client = _sign_in(clinician)
    client.post(VERIFY, {"token": _code(device)})

    RolePolicy.objects.create(role=Role.PROVIDER_CLINICIAN, require_two_factor=True)

    assert client.get(PAGE).status_code == 200


def test_a_user_required_by_an_administrator_is_stopped_at_their_next_request(users):
    practitioner = users[Role.PRACTITIONER]
    client = _sign_in(practitioner)
    assert client.get(PAGE).status_code == 200

    practitioner.two_factor_required = True
    practitioner.save(update_fields=["two_factor_required"])

    assert client.get(PAGE).url.startswith(ENROL)


def test_a_role_switched_off_lets_a_session_that_still_owed_an_app_carry_on(
    two_factor_by_default, users
):
    client = _sign_in(users[Role.COMMISSIONER])
    assert client.get(PAGE).url.startswith(ENROL)

    RolePolicy.objects.filter(role=Role.COMMISSIONER).update(require_two_factor=False)

    assert client.get(PAGE).status_code == 200


def test_a_role_switched_on_in_the_django_admin_reaches_a_signed_in_team_lead(users):
    lead_client = _sign_in(users[Role.TEAM_LEAD])
    assert lead_client.get(PAGE).status_code == 200
    superuser = UserFactory(role=Role.ADMINISTRATOR, is_staff=True, is_superuser=True)
    admin_client = Client()
    admin_client.force_login(superuser)
    policy, _ = RolePolicy.objects.get_or_create(role=Role.TEAM_LEAD)

    changed = admin_client.post(
        reverse("admin:accounts_rolepolicy_change", args=[policy.pk]),
        {"role": Role.TEAM_LEAD, "require_two_factor": "on"},
    )

    assert changed.status_code == 302
    assert lead_client.get(PAGE).url.startswith(ENROL)


def test_the_role_rule_is_read_with_the_user_not_in_a_query_of_its_own(
    two_factor_by_default, users
):
    client = _sign_in(users[Role.PRACTITIONER])
    client.get(PAGE)

    with CaptureQueriesContext(connection) as queries:
        assert client.get(PAGE).status_code == 200

    reading_policy = [q["sql"] for q in queries if "accounts_rolepolicy" in q["sql"]]
    assert len(reading_policy) == 1
    assert '"accounts_user"' in reading_policy[0]  # the user's own query
