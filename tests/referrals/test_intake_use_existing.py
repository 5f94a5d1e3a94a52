""" "Record this referral for them instead" keeps everything already typed (issue 12, item 11).

The intake page that refuses an identifier already recorded offers the existing person; the
choice is posted with the whole form, so no typed field is lost and nothing goes in a URL.
"""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.enums import AuditAction
from accounts.models import AuditEvent
from referrals.models import Person, Referral, Vulnerability
from tests.factories import PersonFactory, ReferralFactory, UserFactory

INTAKE = reverse("referrals:intake")

pytestmark = pytest.mark.django_db


@pytest.fixture
def existing(team):
    """The person already recorded with the NHS number typed, among others of the team."""
    PersonFactory(team=team, family_name="Before")
    person = PersonFactory(
        team=team, given_name="Zoe", family_name="Existing", nhs_number="9434765919"
    )
    PersonFactory(team=team, family_name="After")
    return person


@pytest.fixture
def typed(intake_data, team, practitioner):
    """Every referral field typed with something other than its default."""
    colleague = UserFactory(team=team, role="practitioner", first_name="Priya")
    received = timezone.localtime() - datetime.timedelta(days=2)
    received = received.replace(hour=9, minute=15)
    return (
        intake_data(
            **{
                "person-pnc_id": "",
                "referral-source": "voluntary_attendance",
                "referral-received_date": f"{received.day}/{received.month}/{received.year}",
                "referral-received_time": "09:15",
                "referral-referrer_name": "DC Morgan Lee",
                "referral-referrer_role": "police_officer",
                "referral-referrer_organisation": "Cambridgeshire Constabulary CID",
                "referral-case_reference": "VA/26/778899",
                "referral-reason": "Said he hears voices telling him to leave; very frightened.",
                "referral-vulnerabilities": [
                    str(Vulnerability.objects.get(code="mental-health").pk),
                    str(Vulnerability.objects.get(code="learning-disability").pk),
                ],
                "referral-urgency": "emergency",
                "referral-assigned_to": str(colleague.pk),
            }
        ),
        received,
        colleague,
    )


def _offered_people(body):
    return re.findall(r'<button[^>]*name="match_decision"[^>]*value="(\d+)"', body)


def _assert_is_what_was_typed(referral, received, colleague):
    assert (
        referral.source,
        timezone.localtime(referral.received_at).replace(second=0, microsecond=0),
        referral.referrer_name,
        referral.referrer_role,
        referral.referrer_organisation,
        referral.case_reference,
        referral.offence_category.code,
        referral.reason,
        referral.urgency,
        referral.assigned_to,
    ) == (
        "voluntary_attendance",
        received.replace(second=0, microsecond=0),
        "DC Morgan Lee",
        "police_officer",
        "Cambridgeshire Constabulary CID",
        "VA/26/778899",
        "theft-offences",
        "Said he hears voices telling him to leave; very frightened.",
        "emergency",
        colleague,
    )
    assert sorted(referral.vulnerabilities.values_list("code", flat=True)) == [
        "learning-disability",
        "mental-health",
    ]


def test_duplicate_identifier_offers_the_person_inside_the_form_without_a_url(
    practitioner_client, existing, typed
):
    data, _, _ = typed

    response = practitioner_client.post(INTAKE, data)

    body = response.content.decode()
    assert response.status_code == 400
    assert _offered_people(body) == [str(existing.pk)]
    assert f"{INTAKE}?person=" not in body
    assert not Referral.objects.exists()
    viewed = AuditEvent.objects.filter(action=AuditAction.VIEW)
    assert list(viewed.values_list("person_id", flat=True)) == [existing.pk]


def test_recording_for_the_existing_person_keeps_every_typed_field(
    practitioner_client, existing, typed
):
    data, received, colleague = typed
    practitioner_client.post(INTAKE, data)

    response = practitioner_client.post(INTAKE, {**data, "match_decision": str(existing.pk)})

    referral = Referral.objects.get()
    assert response.status_code == 302
    assert response["Location"] == referral.get_absolute_url()
    assert referral.person == existing and Person.objects.count() == 3
    _assert_is_what_was_typed(referral, received, colleague)


def test_recording_for_the_existing_person_with_a_referral_error_keeps_the_rest(
    practitioner_client, existing, typed
):
    data, received, colleague = typed
    data["referral-reason"] = ""

    chosen = practitioner_client.post(INTAKE, {**data, "match_decision": str(existing.pk)})
    body = chosen.content.decode()
    fixed = {k: v for k, v in data.items() if k.startswith("referral-")}
    fixed["referral-reason"] = "Said he hears voices telling him to leave; very frightened."
    fixed["person"] = re.search(r'name="person" value="(\d+)"', body).group(1)
    saved = practitioner_client.post(INTAKE, fixed)

    assert chosen.status_code == 400
    assert "Enter the reason for referral" in body
    assert "A person with this NHS number is already recorded" not in body
    assert 'id="id_person-given_name"' not in body  # the existing person, not a new one
    for shown in ('value="DC Morgan Lee"', 'value="VA/26/778899"', 'value="09:15"'):
        assert shown in body
    assert re.search(r'<option value="voluntary_attendance"[^>]*selected', body)
    assert re.search(r'value="emergency"[^>]*checked', body)
    assert saved.status_code == 302
    referral = Referral.objects.get()
    assert referral.person == existing and Person.objects.count() == 3
    _assert_is_what_was_typed(referral, received, colleague)


def test_a_person_of_another_team_cannot_be_chosen(
    practitioner_client, typed, other_team, existing
):
    hidden = PersonFactory(team=other_team, nhs_number="4010232137")
    ReferralFactory(person=hidden)
    data, _, _ = typed

    response = practitioner_client.post(INTAKE, {**data, "match_decision": str(hidden.pk)})

    assert response.status_code == 404
    assert list(Referral.objects.values_list("person_id", flat=True)) == [hidden.pk]
