import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.enums import AuditAction
from accounts.models import AuditEvent
from referrals.models import Person, Referral, ReferralStatusChange
from tests.factories import PersonFactory, ReferralFactory, SiteFactory

INTAKE = reverse("referrals:intake")


def _errors(response):
    return response.content.decode()


@pytest.mark.django_db
def test_intake_records_person_and_referral_with_normalised_identifiers(
    practitioner_client, intake_data, practitioner
):
    response = practitioner_client.post(INTAKE, intake_data())

    person = Person.objects.get()
    referral = Referral.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("referrals:referral_detail", args=[referral.pk])
    assert (person.nhs_number, person.pnc_id, person.postcode_district) == (
        "9434765919",
        "1979/0163001B",
        "CB1",
    )
    assert person.is_veteran and person.team == practitioner.team
    assert referral.person == person and referral.status == "received"
    assert sorted(referral.vulnerabilities.values_list("code", flat=True)) == [
        "alcohol",
        "mental-health",
    ]
    assert list(referral.status_changes.values_list("from_status", "to_status")) == [
        ("", "received")
    ]


@pytest.mark.django_db
def test_intake_writes_create_audit_entries_for_person_and_referral(
    practitioner_client, intake_data
):
    practitioner_client.post(INTAKE, intake_data())

    person = Person.objects.get()
    created = AuditEvent.objects.filter(action=AuditAction.CREATE, person_id=person.pk)
    assert sorted(created.values_list("object_type", flat=True)) == [
        "referrals.person",
        "referrals.referral",
    ]


@pytest.mark.django_db
def test_intake_form_offers_only_the_users_team_sites(practitioner_client, site, other_team):
    SiteFactory(team=other_team, name="Charing Cross custody suite")

    response = practitioner_client.get(INTAKE)

    assert "Parkside custody suite" in response.content.decode()
    assert "Charing Cross custody suite" not in response.content.decode()


@pytest.mark.django_db
def test_intake_site_of_another_team_is_refused(practitioner_client, intake_data, other_team):
    foreign = SiteFactory(team=other_team)

    response = practitioner_client.post(INTAKE, intake_data(**{"referral-site": str(foreign.pk)}))

    assert response.status_code == 400
    assert "Select the custody suite or court from the list" in _errors(response)
    assert not Person.objects.exists()


# Duplicate detection ------------------------------------------------------------------


@pytest.mark.django_db
def test_existing_nhs_number_is_refused_with_link_to_visible_person(
    practitioner_client, intake_data, team
):
    existing = PersonFactory(team=team, nhs_number="9434765919", given_name="Zoe")

    response = practitioner_client.post(INTAKE, intake_data())

    body = response.content.decode()
    assert response.status_code == 400
    assert "A person with this NHS number is already recorded" in body
    assert reverse("referrals:person_detail", args=[existing.pk]) in body
    # Offered as a button of the form (what was typed is posted with it), not a link.
    assert f'name="match_decision" value="{existing.pk}"' in body
    assert f"{INTAKE}?person=" not in body
    assert Person.objects.count() == 1 and not Referral.objects.exists()


@pytest.mark.django_db
def test_existing_pnc_id_of_another_teams_person_is_refused_without_details(
    practitioner_client, intake_data, other_team
):
    hidden = PersonFactory(
        team=other_team, pnc_id="1979/0163001B", given_name="Hidden", family_name="Personne"
    )

    response = practitioner_client.post(INTAKE, intake_data(**{"person-nhs_number": ""}))

    body = response.content.decode()
    assert response.status_code == 400
    assert "A person with this PNC ID is already recorded" in body
    assert "recorded by another service" in body
    assert "Personne" not in body
    assert reverse("referrals:person_detail", args=[hidden.pk]) not in body
    assert Person.objects.count() == 1


@pytest.mark.parametrize(
    "given, family",
    [("Zoë", "O'Brien"), ("zoe", "OBRIEN"), ("O'Brien", "Zoe"), ("Zoe", "O Brien")],
)
@pytest.mark.django_db
def test_likely_match_on_name_and_birth_date_is_shown_before_saving(
    practitioner_client, intake_data, team, given, family
):
    existing = PersonFactory(
        team=team, given_name="Zoe", family_name="O'Brien", date_of_birth=datetime.date(1991, 2, 14)
    )
    data = intake_data(**{"person-given_name": given, "person-family_name": family})
    data.update({"person-nhs_number": "", "person-pnc_id": ""})

    response = practitioner_client.post(INTAKE, data)

    body = response.content.decode()
    assert response.status_code == 200
    assert "Possible match" in body
    assert f'value="{existing.pk}"' in body
    assert not Referral.objects.exists() and Person.objects.count() == 1


@pytest.mark.django_db
def test_no_match_offered_for_same_name_with_another_birth_date(
    practitioner_client, intake_data, team
):
    PersonFactory(team=team, given_name="Zoe", family_name="O'Brien")  # born 1990-05-17

    response = practitioner_client.post(
        INTAKE, intake_data(**{"person-nhs_number": "", "person-pnc_id": ""})
    )

    assert response.status_code == 302
    assert Person.objects.count() == 2


@pytest.mark.django_db
def test_choosing_the_existing_person_creates_only_the_referral(
    practitioner_client, intake_data, team
):
    existing = PersonFactory(
        team=team, given_name="Zoe", family_name="O'Brien", date_of_birth=datetime.date(1991, 2, 14)
    )
    data = intake_data(**{"person-nhs_number": "", "person-pnc_id": ""})
    data["match_decision"] = str(existing.pk)

    response = practitioner_client.post(INTAKE, data)

    assert response.status_code == 302
    assert Person.objects.count() == 1
    assert Referral.objects.get().person == existing


@pytest.mark.django_db
def test_confirming_a_different_person_creates_a_new_person(practitioner_client, intake_data, team):
    PersonFactory(
        team=team, given_name="Zoe", family_name="O'Brien", date_of_birth=datetime.date(1991, 2, 14)
    )
    data = intake_data(**{"person-nhs_number": "", "person-pnc_id": ""})
    data["match_decision"] = "new"

    response = practitioner_client.post(INTAKE, data)

    assert response.status_code == 302
    assert Person.objects.count() == 2


@pytest.mark.django_db
def test_match_of_another_team_is_not_offered(practitioner_client, intake_data, other_team):
    PersonFactory(
        team=other_team,
        given_name="Zoe",
        family_name="O'Brien",
        date_of_birth=datetime.date(1991, 2, 14),
    )

    response = practitioner_client.post(
        INTAKE, intake_data(**{"person-nhs_number": "", "person-pnc_id": ""})
    )

    assert response.status_code == 302
    assert Person.objects.count() == 2


@pytest.mark.django_db
def test_new_referral_for_known_person_from_person_page(practitioner_client, intake_data, team):
    person = PersonFactory(team=team)
    data = {k: v for k, v in intake_data().items() if k.startswith("referral-")}
    data["person"] = str(person.pk)

    page = practitioner_client.get(f"{INTAKE}?person={person.pk}")
    response = practitioner_client.post(INTAKE, data)

    assert person.full_name in page.content.decode()
    assert response.status_code == 302
    assert Referral.objects.get().person == person
    assert Person.objects.count() == 1


@pytest.mark.django_db
def test_intake_for_a_known_person_audits_the_view_of_that_person_only(practitioner_client, team):
    person, other = PersonFactory(team=team), PersonFactory(team=team)

    practitioner_client.get(f"{INTAKE}?person={person.pk}")

    viewed = AuditEvent.objects.filter(action=AuditAction.VIEW)
    assert list(viewed.values_list("person_id", flat=True)) == [person.pk]
    assert not viewed.filter(person_id=other.pk).exists()


@pytest.mark.django_db
def test_new_referral_for_another_teams_person_is_not_found(
    practitioner_client, intake_data, other_team
):
    person = PersonFactory(team=other_team)

    response = practitioner_client.get(f"{INTAKE}?person={person.pk}")

    assert response.status_code == 404


# Bad input -----------------------------------------------------------------------------


def _future(hours):
    return timezone.localtime() + datetime.timedelta(hours=hours)


def _years_ago(years):
    today = timezone.localdate()
    return datetime.date(today.year - years, today.month, min(today.day, 28))


@pytest.mark.parametrize(
    "overrides, field_message",
    [
        ({"person-nhs_number": "943 476 5918"}, "This is not a valid NHS number"),
        ({"person-pnc_id": "2008/0056560A"}, "check letter does not match"),
        ({"person-cro_number": "265416/21H"}, "check letter does not match"),
        ({"person-postcode_district": "CB1 2AB"}, "first half of the postcode only"),
        ({"person-given_name": ""}, "Enter the given name"),
        ({"referral-source": ""}, "Select the source"),
        ({"referral-reason": ""}, "Enter the reason for referral"),
        (
            {"referral-received_time": "25:99"},
            "Enter the time received in hours and minutes, like 9:30",
        ),
        ({"person-date_of_birth": "31/2/1991"}, "Date of birth must be a real date"),
        ({"person-given_name": "x" * 101}, "Given name must be 100 characters or fewer"),
        ({"referral-reason": "x" * 4001}, "Reason for referral must be 4000 characters or fewer"),
        ({"person-family_name": "O'Brien\x00"}, "Remove the hidden control characters"),
        ({"referral-referrer_name": "Sgt\x1bFox"}, "Remove the hidden control characters"),
    ],
)
@pytest.mark.django_db
def test_intake_bad_input_gets_message_and_saves_nothing(
    practitioner_client, intake_data, overrides, field_message
):
    response = practitioner_client.post(INTAKE, intake_data(**overrides))

    body = response.content.decode()
    assert response.status_code == 400
    assert "There is a problem" in body
    assert field_message in body.replace("&#x27;", "'")
    assert not Person.objects.exists() and not Referral.objects.exists()


@pytest.mark.django_db
def test_intake_received_in_the_future_is_refused(practitioner_client, intake_data):
    later = _future(30)
    response = practitioner_client.post(
        INTAKE,
        intake_data(
            **{
                "referral-received_date": f"{later:%d/%m/%Y}",
                "referral-received_time": later.strftime("%H:%M"),
            }
        ),
    )

    assert response.status_code == 400
    assert "Date received must be today or in the past" in response.content.decode()
    assert not Person.objects.exists()


@pytest.mark.parametrize("years, message", [(9, "an age under 10"), (111, "an age over 110")])
@pytest.mark.django_db
def test_intake_implausible_birth_date_is_refused(practitioner_client, intake_data, years, message):
    dob = _years_ago(years)
    response = practitioner_client.post(
        INTAKE,
        intake_data(
            **{
                "person-date_of_birth": f"{dob:%d/%m/%Y}",
            }
        ),
    )

    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Person.objects.exists()


@pytest.mark.django_db
def test_intake_case_reference_already_used_at_site_is_refused(
    practitioner_client, intake_data, site, team
):
    ReferralFactory(person=PersonFactory(team=team), site=site, case_reference="CUST/26/000123")

    response = practitioner_client.post(
        INTAKE, intake_data(**{"referral-case_reference": "cust/26/000123"})
    )

    body = response.content.decode()
    assert response.status_code == 400
    assert "already used for a referral at this site" in body
    assert Person.objects.count() == 1 and Referral.objects.count() == 1


@pytest.mark.django_db
def test_intake_same_case_reference_at_another_site_is_accepted(
    practitioner_client, intake_data, team
):
    other_site = SiteFactory(team=team, name="Peterborough custody suite")
    ReferralFactory(
        person=PersonFactory(team=team), site=other_site, case_reference="CUST/26/000123"
    )

    response = practitioner_client.post(INTAKE, intake_data())

    assert response.status_code == 302


@pytest.mark.django_db
def test_intake_refused_referral_does_not_keep_the_new_person(
    practitioner_client, intake_data, monkeypatch
):
    from django.core.exceptions import ValidationError

    from referrals import services

    def refuse(**kwargs):
        raise ValidationError({"case_reference": "Taken a moment ago by someone else"})

    monkeypatch.setattr(services, "referral_create", refuse)

    response = practitioner_client.post(INTAKE, intake_data())

    assert response.status_code == 400
    assert "Taken a moment ago by someone else" in response.content.decode()
    assert not Person.objects.exists()
    assert not ReferralStatusChange.objects.exists()
