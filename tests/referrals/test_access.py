"""Who may see people and referrals: L&D of the team only; everyone else gets nothing."""

import pytest
from django.urls import reverse

from accounts.enums import AuditAction, Role, TeamKind
from accounts.models import AuditEvent
from tests.factories import PersonFactory, ReferralFactory, TeamFactory, UserFactory

SECRET_NAME = "Quennell"
NHS = "9434765919"


@pytest.fixture
def referral(team, site):
    person = PersonFactory(team=team, family_name=SECRET_NAME, nhs_number=NHS)
    return ReferralFactory(person=person, site=site, case_reference="CUST/SECRET/1")


def _pages(referral):
    return {
        "person_detail": reverse("referrals:person_detail", args=[referral.person_id]),
        "person_edit": reverse("referrals:person_edit", args=[referral.person_id]),
        "referral_detail": reverse("referrals:referral_detail", args=[referral.pk]),
        "referral_edit": reverse("referrals:referral_edit", args=[referral.pk]),
        "intake_for_person": f"{reverse('referrals:intake')}?person={referral.person_id}",
    }


def _assert_nothing_leaked(response):
    body = response.content.decode()
    assert SECRET_NAME.upper() not in body.upper()
    assert NHS not in body and "943 476 5919" not in body
    assert "CUST/SECRET/1" not in body


@pytest.mark.parametrize(
    "page",
    ["person_detail", "person_edit", "referral_detail", "referral_edit", "intake_for_person"],
)
@pytest.mark.django_db
def test_outsider_gets_not_found_on_another_teams_records(outsider_client, referral, page):
    response = outsider_client.get(_pages(referral)[page])

    assert response.status_code == 404
    _assert_nothing_leaked(response)


@pytest.mark.parametrize("action", ["referral_transition", "referral_assign"])
@pytest.mark.django_db
def test_outsider_cannot_change_another_teams_referral(outsider_client, outsider, referral, action):
    response = outsider_client.post(
        reverse(f"referrals:{action}", args=[referral.pk]),
        {
            "to_status": "closed",
            "closure_reason": "duplicate",
            "assigned_to": outsider.pk,
            "version": referral.version,
        },
    )

    referral.refresh_from_db()
    assert response.status_code == 404
    assert referral.status == "received" and referral.assigned_to is None


@pytest.mark.django_db
def test_outsider_list_and_my_work_do_not_show_other_teams_referrals(outsider_client, referral):
    listing = outsider_client.get(reverse("referrals:referral_list"))
    work = outsider_client.get(reverse("referrals:my_work"))

    _assert_nothing_leaked(listing)
    _assert_nothing_leaked(work)


@pytest.mark.django_db
def test_outsider_search_by_nhs_number_finds_nothing(outsider_client, referral):
    response = outsider_client.post(reverse("referrals:referral_list"), {"q": NHS})
    body = outsider_client.get(response["Location"]).content.decode()

    # The search box repeats what they typed; nothing else about the person appears.
    assert SECRET_NAME.upper() not in body.upper() and "CUST/SECRET/1" not in body
    assert "No referrals match." in body


def _role_user(role, kind):
    return UserFactory(role=role, team=TeamFactory(name=f"{role} team", kind=kind))


NON_LD_ROLES = [
    (Role.COMMISSIONER, TeamKind.COMMISSIONER),
    (Role.ADMINISTRATOR, TeamKind.ADMINISTRATION),
    (Role.PROBATION_OFFICER, TeamKind.PROBATION),
    (Role.PROVIDER_CLINICIAN, TeamKind.TREATMENT_PROVIDER),
]
# Roles that see people on their caseload or provision only (accounts.policy).
PERSON_VIEWERS = {Role.PROBATION_OFFICER, Role.PROVIDER_CLINICIAN}


@pytest.mark.parametrize("role, kind", NON_LD_ROLES)
@pytest.mark.django_db
def test_other_roles_are_refused_the_person_and_referral_pages(client, referral, role, kind):
    client.force_login(_role_user(role, kind))

    for page, url in _pages(referral).items():
        response = client.get(url)
        # The policy: no grant for the page is 403; a scope the person is outside is 404.
        scoped = page == "person_detail" and role in PERSON_VIEWERS
        assert response.status_code == (404 if scoped else 403), url
        _assert_nothing_leaked(response)


@pytest.mark.parametrize("role, kind", NON_LD_ROLES)
@pytest.mark.django_db
def test_other_roles_are_refused_lists_and_intake(client, referral, role, kind):
    client.force_login(_role_user(role, kind))

    for name in ("my_work", "referral_list", "intake"):
        response = client.get(reverse(f"referrals:{name}"))
        assert response.status_code == 403, name
        _assert_nothing_leaked(response)


@pytest.mark.django_db
def test_refusal_is_audited_without_a_view_entry(outsider_client, referral, outsider):
    outsider_client.get(reverse("referrals:person_detail", args=[referral.person_id]))

    assert AuditEvent.objects.filter(user=outsider, action=AuditAction.REFUSED).exists()
    assert not AuditEvent.objects.filter(action=AuditAction.VIEW).exists()


@pytest.mark.django_db
def test_team_lead_sees_the_teams_referral(client, team_lead, referral):
    client.force_login(team_lead)

    response = client.get(reverse("referrals:referral_detail", args=[referral.pk]))

    assert response.status_code == 200
    assert SECRET_NAME in response.content.decode()


@pytest.mark.django_db
def test_person_referred_to_a_second_team_is_visible_to_it_with_only_its_referrals(
    client, referral, outsider, other_team
):
    from tests.factories import SiteFactory

    theirs = ReferralFactory(
        person=referral.person, team=other_team, site=SiteFactory(team=other_team)
    )
    client.force_login(outsider)

    response = client.get(reverse("referrals:person_detail", args=[referral.person_id]))

    body = response.content.decode()
    assert response.status_code == 200
    assert theirs.reference in body
    assert referral.reference not in body


@pytest.mark.django_db
def test_signed_out_user_is_sent_to_sign_in(client, referral):
    response = client.get(reverse("referrals:person_detail", args=[referral.person_id]))

    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]
