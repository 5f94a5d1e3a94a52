"""The subject access page reads as a letter to the person: labels, not field names;
choices by label, not code; dates as dates; grouped by referral; withheld stays withheld.
The JSON download keeps the stored names and codes."""

import datetime
import json
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.audit import audit_record
from accounts.enums import AuditAction, Role
from referrals.subject_access_page import readable_subject_access
from tests.assessments.factories import ConsentFactory, ScreeningFactory, signed_assessment
from tests.factories import ReferralFactory
from tests.risks.factories import raise_flag
from tests.treatment_requirements.factories import (
    AppointmentFactory,
    CourtOutcomeFactory,
    OrderFactory,
    ready_recommendation,
)

pytestmark = pytest.mark.django_db

RECEIVED_A = datetime.datetime(2026, 3, 2, 10, 15, tzinfo=datetime.UTC)
RECEIVED_B = datetime.datetime(2026, 9, 14, 16, 40, tzinfo=datetime.UTC)


@pytest.fixture
def case(team, practitioner):
    first = ReferralFactory(
        person__team=team,
        person__given_name="Morwenna",
        person__family_name="Tregarthen",
        person__date_of_birth=datetime.date(1990, 7, 4),
        person__is_veteran=True,
        person__created_by=practitioner,
        received_at=RECEIVED_A,
        created_by=practitioner,
        status="screened",
    )
    person = first.person
    second = ReferralFactory(
        person=person, team=team, received_at=RECEIVED_B, created_by=practitioner
    )
    ScreeningFactory(referral=first, screened_on=datetime.date(2026, 3, 3))
    assessment = signed_assessment(referral=first, assessed_on=datetime.date(2026, 3, 10))
    ConsentFactory(referral=first, notes="Sister Kerenza may be told.")
    outcome = CourtOutcomeFactory(recommendation=ready_recommendation(assessment=assessment))
    order = OrderFactory(court_outcome=outcome)
    AppointmentFactory(order=order, purpose="First therapy session")
    raise_flag(person, practitioner, note="Known to carry a blade.")
    return person, first, second


@pytest.fixture
def lead_client(client, team_lead):
    client.force_login(team_lead)
    return client


def _labels(record):
    return [label for label, _value in record]


def test_personal_details_read_with_labels_choice_labels_and_dates(case):
    person, _first, _second = case

    held = readable_subject_access(person=person)

    details = dict(held["person"])
    assert details["Family name"] == "Tregarthen"
    assert details["Date of birth"] == "4 July 1990"
    assert details["Veteran of the armed forces"] == "Yes"
    assert details["Gender"] == person.get_gender_display()
    assert details["Team"] == person.team.name
    assert details["NHS number"] == person.nhs_number
    assert not {"id", "version", "family_name", "search_name"} & set(details)


def test_each_referral_holds_what_was_done_on_it(case, practitioner):
    person, first, second = case

    held = readable_subject_access(person=person)

    titles = [referral["title"] for referral in held["referrals"]]
    assert titles == [
        f"Referral {first.reference}, received 2 March 2026",
        f"Referral {second.reference}, received 14 September 2026",
    ]
    on_first = {section["title"]: section for section in held["referrals"][0]["sections"]}
    assert {"Screening", "Assessment", "Recommendation", "Order", "Appointment"} <= set(on_first)
    assert dict(on_first["Screening"]["records"][0])["Date screened"] == "3 March 2026"
    screening = dict(on_first["Screening"]["records"][0])
    assert screening["Risk level"] == first.screening.get_risk_level_display()
    assert screening["Screened by"] == practitioner.get_full_name()
    appointment = dict(on_first["Appointment"]["records"][0])
    assert appointment["Purpose"] == "First therapy session"
    # the second referral was only received: nothing was done on it yet
    assert held["referrals"][1]["sections"] == []
    first_details = dict(held["referrals"][0]["details"])
    assert first_details["Received at"] == "2 March 2026, 10:15"
    assert first_details["Urgency"] == first.get_urgency_display()


def test_records_of_no_one_referral_come_under_the_person(case):
    person, _first, _second = case

    held = readable_subject_access(person=person)

    other = {section["title"]: section for section in held["other_sections"]}
    assert "Known to carry a blade." in [
        value for record in other["Risk flag"]["records"] for _label, value in record
    ]


def test_another_persons_records_are_not_on_the_page(case, team):
    person, _first, _second = case
    ReferralFactory(person__team=team, person__family_name="Penhallow", received_at=RECEIVED_A)

    held = readable_subject_access(person=person)

    assert "Penhallow" not in json.dumps(held, default=str)
    assert len(held["referrals"]) == 2


def test_audit_summary_reads_in_words(case, practitioner):
    person, _first, _second = case
    for _ in range(2):
        audit_record(action=AuditAction.VIEW, user=practitioner, person_id=person.pk)

    held = readable_subject_access(person=person)

    month = f"{timezone.now():%B %Y}"
    assert {
        "month": month,
        "action": "Viewed",
        "role": Role.PRACTITIONER.label,
        "count": 2,
    } in held["audit"]


def test_the_page_shows_labels_not_names_or_codes(lead_client, case):
    person, first, _second = case

    response = lead_client.get(reverse("referrals:subject_access", args=[person.pk]))

    assert response.status_code == 200
    body = response.content.decode()
    assert "Date of birth" in body and "4 July 1990" in body
    assert "date_of_birth" not in body and "family_name" not in body
    assert "1990-07-04" not in body
    assert f"Referral {first.reference}, received 2 March 2026" in body
    assert "Sister Kerenza may be told." in body
    assert re.search(r">\s*Screening\s*<", body)
    assert "Other records about the person" in body
    assert "First therapy session" in body


def test_the_json_download_keeps_stored_names_and_codes(lead_client, case):
    person, _first, _second = case

    response = lead_client.get(reverse("referrals:subject_access_json", args=[person.pk]))

    data = json.loads(response.content)
    sections = {section["model"]: section for section in data["sections"]}
    assert sections["referrals.Person"]["rows"][0]["date_of_birth"] == "1990-07-04"
