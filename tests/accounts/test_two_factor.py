import pytest
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.enums import AuditAction, Role
from accounts.models import AuditEvent, RolePolicy

pytestmark = pytest.mark.django_db

LOGIN = reverse("accounts:login")
PAGE = reverse("accounts:password_change")
VERIFY = reverse("accounts:two_factor_verify")
ENROL = reverse("accounts:two_factor_enrol")


def _code(device):
    return f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift):06d}"


def _sign_in(client, username="practitioner"):
    response = client.post(
        LOGIN, {"username": username, "password": "correct horse battery staple"}
    )
    assert response.status_code == 302
    return response


@pytest.fixture
def device(practitioner):
    return TOTPDevice.objects.create(user=practitioner, name="Phone", confirmed=True)


def test_user_without_device_or_requirement_signs_in_with_password_only(client, practitioner):
    _sign_in(client)

    assert client.get(PAGE).status_code == 200


def test_user_with_device_must_enter_a_code_before_anything_else(client, device):
    _sign_in(client)

    response = client.get(PAGE)

    assert response.status_code == 302
    assert response.url == f"{VERIFY}?next=%2Faccount%2Fpassword%2F"
    assert client.get(reverse("admin:index")).url.startswith(VERIFY)


def test_two_factor_right_code_lets_the_user_in_and_returns_to_the_page(client, device):
    _sign_in(client)

    response = client.post(f"{VERIFY}?next={PAGE}", {"token": _code(device), "next": PAGE})

    assert response.status_code == 302
    assert response.url == PAGE
    assert client.get(PAGE).status_code == 200
    assert AuditEvent.objects.filter(
        action=AuditAction.SIGN_IN, detail="two-factor code accepted"
    ).exists()


def test_two_factor_wrong_code_is_refused_and_audited(client, device, practitioner):
    _sign_in(client)
    wrong = f"{(int(_code(device)) + 1) % 1_000_000:06d}"

    response = client.post(VERIFY, {"token": wrong})

    assert "The code is not right, or it has expired" in response.content.decode()
    assert client.get(PAGE).status_code == 302
    event = AuditEvent.objects.get(action=AuditAction.SIGN_IN_FAILED)
    assert (event.user, event.detail) == (practitioner, "two-factor code rejected")


@pytest.mark.parametrize("token", ["", "12ab56", "1234567", "<script>"])
def test_two_factor_malformed_code_shows_error(client, device, token):
    _sign_in(client)

    response = client.post(VERIFY, {"token": token})

    assert response.status_code == 200
    assert response.context["form"].errors["token"]


def test_two_factor_pending_user_cannot_add_a_new_device(client, device):
    _sign_in(client)

    response = client.get(ENROL)

    assert response.url == VERIFY
    assert TOTPDevice.objects.count() == 1


def test_two_factor_pending_user_can_still_sign_out(client, device):
    _sign_in(client)

    response = client.post(reverse("accounts:logout"))

    assert response.status_code == 302
    assert "_auth_user_id" not in client.session


def test_role_requiring_two_factor_sends_user_without_device_to_enrolment(client, practitioner):
    RolePolicy.objects.create(role=Role.PRACTITIONER, require_two_factor=True)
    _sign_in(client)

    response = client.get(PAGE)

    assert response.url.startswith(ENROL)
    enrol = client.get(response.url)
    assert "Your role must use two-factor sign-in" in enrol.content.decode()


def test_enrolment_shows_secret_and_confirms_with_first_code(client, practitioner):
    RolePolicy.objects.create(role=Role.PRACTITIONER, require_two_factor=True)
    _sign_in(client)
    page = client.get(ENROL)
    device = TOTPDevice.objects.get(user=practitioner)

    response = client.post(ENROL, {"token": _code(device)})

    assert page.context["otpauth_uri"].startswith("otpauth://totp/")
    assert page.context["secret"].replace(" ", "") in page.context["otpauth_uri"]
    assert response.status_code == 302
    device.refresh_from_db()
    assert device.confirmed
    assert client.get(PAGE).status_code == 200


def test_enrolment_keeps_the_same_secret_across_reloads(practitioner_client):
    first = practitioner_client.get(ENROL).context["secret"]
    second = practitioner_client.get(ENROL).context["secret"]

    assert first == second


def test_enrolment_wrong_code_leaves_device_unconfirmed(practitioner_client, practitioner):
    practitioner_client.get(ENROL)

    response = practitioner_client.post(ENROL, {"token": "000000"})

    assert "The code is not right" in response.content.decode()
    assert not TOTPDevice.objects.get(user=practitioner).confirmed


def test_role_policy_of_another_role_does_not_apply(client, practitioner):
    # The administrators' row exists already (migration 0005).
    RolePolicy.objects.update_or_create(
        role=Role.ADMINISTRATOR, defaults={"require_two_factor": True}
    )
    _sign_in(client)

    assert client.get(PAGE).status_code == 200


def test_role_policy_is_editable_in_the_admin(client):
    from tests.factories import UserFactory

    admin_user = UserFactory(role=Role.ADMINISTRATOR, is_staff=True, is_superuser=True)
    client.force_login(admin_user)

    policy, _ = RolePolicy.objects.get_or_create(role=Role.TEAM_LEAD)  # made by migration 0005

    response = client.post(
        reverse("admin:accounts_rolepolicy_change", args=[policy.pk]),
        {"role": Role.TEAM_LEAD, "require_two_factor": "on"},
    )

    assert response.status_code == 302
    assert RolePolicy.requires_two_factor(Role.TEAM_LEAD)
