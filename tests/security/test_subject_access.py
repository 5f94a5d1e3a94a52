"""Subject access export: everything held about one person, for a team lead of their team,
as a printable page and a JSON download, audited, with audit entries only summarised."""

import json

import pytest
from django.urls import reverse

from accounts.audit import audit_record
from accounts.enums import AuditAction, Role
from accounts.models import AuditEvent
from referrals.subject_access import person_linked_models, subject_access_export
from tests.assessments.factories import AssessmentFactory, ConsentFactory
from tests.factories import ReferralFactory, UserFactory

pytestmark = pytest.mark.django_db

NEEDS = "Lost job at the bakery on Mill Road; drinking daily."


@pytest.fixture
def case(team, practitioner):
    referral = ReferralFactory(
        person__team=team,
        person__given_name="Morwenna",
        person__family_name="Tregarthen",
        person__created_by=practitioner,
    )
    assessment = AssessmentFactory(referral=referral, presenting_needs=NEEDS)
    ConsentFactory(referral=referral, notes="Sister Kerenza may be told.")
    return referral.person, assessment


@pytest.fixture
def lead_client(client, team_lead):
    client.force_login(team_lead)
    return client


def test_linked_models_cover_the_person_record():
    labels = {model._meta.label for model, _lookups in person_linked_models()}
    assert {
        "referrals.Person",
        "referrals.Referral",
        "referrals.ReferralStatusChange",
        "assessments.Assessment",
        "assessments.Consent",
        "assessments.Addendum",
        "treatment_requirements.Order",
        "treatment_requirements.Appointment",
        "treatment_requirements.DrugTest",
    } <= labels
    assert not any(label.startswith("accounts.") for label in labels)


def test_export_holds_linked_records_and_staff_as_recorded_by(case, practitioner):
    person, _assessment = case
    export = subject_access_export(person=person)
    sections = {section["model"]: section for section in export["sections"]}
    assert sections["referrals.Person"]["rows"][0]["family_name"] == "Tregarthen"
    assert sections["assessments.Assessment"]["rows"][0]["presenting_needs"] == NEEDS
    assert sections["assessments.Consent"]["rows"][0]["notes"] == "Sister Kerenza may be told."
    recorded_by = sections["referrals.Person"]["rows"][0]["created_by"]
    assert recorded_by == (practitioner.get_full_name() or practitioner.get_username())
    # nothing about another person
    other = ReferralFactory(person__team=person.team, person__family_name="Penhallow")
    assert "Penhallow" not in json.dumps(subject_access_export(person=person))
    assert other.person.pk != person.pk


def test_export_summarises_audit_entries_without_addresses(case, practitioner):
    person, _assessment = case
    for _ in range(3):
        audit_record(action=AuditAction.VIEW, user=practitioner, person_id=person.pk)
    export = subject_access_export(person=person)
    views = [line for line in export["audit_summary"] if line["action"] == AuditAction.VIEW]
    assert views == [
        {
            "month": views[0]["month"],
            "action": AuditAction.VIEW,
            "role": Role.PRACTITIONER,
            "count": 3,
        }
    ]
    assert "ip_address" not in json.dumps(export)


def test_team_lead_gets_printable_page_and_export_is_audited(lead_client, case, team_lead):
    person, _assessment = case
    response = lead_client.get(reverse("referrals:subject_access", args=[person.pk]))
    assert response.status_code == 200
    body = response.content.decode()
    assert NEEDS in body
    assert "Tregarthen" in body
    assert AuditEvent.objects.filter(
        action=AuditAction.EXPORT, person_id=person.pk, user=team_lead
    ).exists()


def test_team_lead_gets_json_download(lead_client, case, team_lead):
    person, _assessment = case
    response = lead_client.get(reverse("referrals:subject_access_json", args=[person.pk]))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    data = json.loads(response.content)
    assert data["person_id"] == person.pk
    models_in = {section["model"] for section in data["sections"]}
    assert {"referrals.Person", "assessments.Assessment", "assessments.Consent"} <= models_in
    assert AuditEvent.objects.filter(
        action=AuditAction.EXPORT, person_id=person.pk, user=team_lead
    ).exists()


@pytest.mark.parametrize("name", ["referrals:subject_access", "referrals:subject_access_json"])
def test_team_lead_of_another_team_sees_nothing(client, other_team, case, name):
    person, _assessment = case
    client.force_login(UserFactory(role=Role.TEAM_LEAD, team=other_team))
    response = client.get(reverse(name, args=[person.pk]))
    assert response.status_code == 404
    assert b"Tregarthen" not in response.content
    assert NEEDS.encode() not in response.content
    assert not AuditEvent.objects.filter(action=AuditAction.EXPORT).exists()


@pytest.mark.parametrize("name", ["referrals:subject_access", "referrals:subject_access_json"])
def test_practitioner_may_not_export(practitioner_client, case, name):
    person, _assessment = case
    response = practitioner_client.get(reverse(name, args=[person.pk]))
    assert response.status_code == 403
    assert b"Tregarthen" not in response.content


def test_person_page_links_to_export_for_team_lead_only(lead_client, client, case, practitioner):
    person, _assessment = case
    url = reverse("referrals:subject_access", args=[person.pk])
    page = lead_client.get(reverse("referrals:person_detail", args=[person.pk]))
    assert url in page.content.decode()
    client.force_login(practitioner)
    page = client.get(reverse("referrals:person_detail", args=[person.pk]))
    assert page.status_code == 200
    assert url not in page.content.decode()


def test_export_includes_reminders_about_the_persons_records(case):
    from tests.notifications.factories import ReminderFactory

    person, assessment = case
    referral = assessment.referral
    ReminderFactory(subject_type="referrals.referral", subject_id=referral.pk, title="Mine")
    other = ReferralFactory(person__team=person.team)
    ReminderFactory(subject_type="referrals.referral", subject_id=other.pk, title="Not mine")
    export = subject_access_export(person=person)
    sections = {section["model"]: section for section in export["sections"]}
    titles = [row["title"] for row in sections["notifications.Reminder"]["rows"]]
    assert titles == ["Mine"]
