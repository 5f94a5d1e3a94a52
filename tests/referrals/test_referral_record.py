import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.enums import AuditAction, Role
from accounts.models import AuditEvent
from referrals.models import Person, Referral
from referrals.services import referral_assign, referral_transition
from tests.assessments.factories import AssessmentFactory
from tests.factories import PersonFactory, ReferralFactory, UserFactory


@pytest.fixture
def referral(team, site, practitioner):
    person = PersonFactory(
        team=team, given_name="Zoë", family_name="O'Brien", created_by=practitioner
    )
    referral = ReferralFactory(person=person, site=site, created_by=practitioner)
    referral.status_changes.create(
        from_status="", to_status="received", changed_by=practitioner, reason="Referral received"
    )
    return referral


def _url(name, obj):
    return reverse(f"referrals:{name}", args=[obj.pk])


def _move(client, referral, **data):
    data.setdefault("version", referral.version)
    return client.post(_url("referral_transition", referral), data)


# Status transitions --------------------------------------------------------------------


@pytest.mark.django_db
def test_closing_a_received_referral_writes_history(practitioner_client, referral, practitioner):
    response = _move(practitioner_client, referral, to_status="closed", closure_reason="duplicate")

    referral.refresh_from_db()
    last = referral.status_changes.last()
    assert response.status_code == 302
    assert referral.status == "closed" and referral.screened_at is None
    assert (last.from_status, last.to_status, last.changed_by, last.reason) == (
        "received",
        "closed",
        practitioner,
        "Duplicate referral",
    )
    assert AuditEvent.objects.filter(
        action=AuditAction.TRANSITION, person_id=referral.person_id
    ).exists()


@pytest.mark.django_db
def test_closing_without_a_coded_reason_is_refused(practitioner_client, referral):
    response = _move(practitioner_client, referral, to_status="closed")

    referral.refresh_from_db()
    assert response.status_code == 400
    assert "Select why the referral is being closed" in response.content.decode()
    assert referral.status == "received" and referral.status_changes.count() == 1


@pytest.mark.django_db
def test_closing_with_a_coded_reason_records_it(practitioner_client, referral):
    _move(practitioner_client, referral, to_status="closed", closure_reason="onward_referral")

    referral.refresh_from_db()
    assert (referral.status, referral.closure_reason) == ("closed", "onward_referral")
    assert referral.closed_at is not None


@pytest.mark.django_db
def test_reopening_needs_a_reason(practitioner_client, referral, practitioner):
    referral_transition(
        referral=referral, to_status="closed", closure_reason="declined", by=practitioner
    )
    referral.refresh_from_db()

    refused = _move(practitioner_client, referral, to_status="received")
    accepted = _move(
        practitioner_client, referral, to_status="received", reason="Person asked to re-engage"
    )

    referral.refresh_from_db()
    assert refused.status_code == 400
    assert "Enter why the referral is being reopened" in refused.content.decode()
    assert accepted.status_code == 302
    assert referral.status == "received" and referral.closure_reason == ""
    assert referral.status_changes.last().reason == "Person asked to re-engage"


@pytest.mark.django_db
def test_transition_not_allowed_by_the_pathway_is_refused(practitioner_client, referral):
    response = _move(practitioner_client, referral, to_status="assessed")

    referral.refresh_from_db()
    assert response.status_code == 400
    assert referral.status == "received"


def test_service_refuses_a_move_the_pathway_does_not_allow(db, referral, practitioner):
    # Even with a record, a received referral is screened before it can be assessed.
    record = AssessmentFactory(referral=referral, started_by=practitioner)

    with pytest.raises(ValidationError, match="cannot be moved to assessed"):
        referral_transition(
            referral=referral, to_status="assessed", by=practitioner, by_record=record
        )


@pytest.mark.django_db
def test_transition_from_a_stale_page_is_refused(practitioner_client, referral, practitioner):
    seen_version = referral.version
    referral_assign(referral=referral, assignee=practitioner, by=practitioner)

    response = _move(
        practitioner_client,
        referral,
        to_status="closed",
        closure_reason="duplicate",
        version=seen_version,
    )

    referral.refresh_from_db()
    assert response.status_code == 409
    assert "Someone else saved this record" in response.content.decode()
    assert referral.status == "received"


# Assignment ----------------------------------------------------------------------------


@pytest.mark.django_db
def test_practitioner_can_take_a_referral(practitioner_client, referral, practitioner):
    response = practitioner_client.post(
        _url("referral_assign", referral),
        {"assigned_to": practitioner.pk, "version": referral.version},
    )

    referral.refresh_from_db()
    assert response.status_code == 302
    assert referral.assigned_to == practitioner


@pytest.mark.django_db
def test_practitioner_cannot_allocate_to_someone_else(client, referral, practitioner, team):
    colleague = UserFactory(team=team, role=Role.PRACTITIONER)
    client.force_login(practitioner)

    response = client.post(
        _url("referral_assign", referral),
        {"assigned_to": colleague.pk, "version": referral.version},
    )

    referral.refresh_from_db()
    assert response.status_code == 403
    assert referral.assigned_to is None


@pytest.mark.django_db
def test_team_lead_allocates_to_a_practitioner(client, referral, team_lead, practitioner):
    client.force_login(team_lead)

    client.post(
        _url("referral_assign", referral),
        {"assigned_to": practitioner.pk, "version": referral.version},
    )

    referral.refresh_from_db()
    assert referral.assigned_to == practitioner


@pytest.mark.django_db
def test_team_lead_cannot_allocate_outside_the_team(client, referral, team_lead, outsider):
    client.force_login(team_lead)

    response = client.post(
        _url("referral_assign", referral), {"assigned_to": outsider.pk, "version": referral.version}
    )

    referral.refresh_from_db()
    assert response.status_code == 400
    assert referral.assigned_to is None


# Pages and audit -----------------------------------------------------------------------


@pytest.mark.django_db
def test_referral_page_shows_details_history_and_is_audited(
    practitioner_client, referral, practitioner
):
    response = practitioner_client.get(_url("referral_detail", referral))

    body = response.content.decode()
    assert response.status_code == 200
    assert referral.case_reference in body and "PC Jordan Reed" in body
    assert "Referral received" in body
    event = AuditEvent.objects.get(action=AuditAction.VIEW)
    assert (event.user, event.person_id, event.object_type) == (
        practitioner,
        referral.person_id,
        "referrals.referral",
    )


@pytest.mark.django_db
def test_referral_page_includes_registered_panels(practitioner_client, referral, monkeypatch):
    from referrals.selectors import registry as selectors

    monkeypatch.setattr(
        selectors,
        "_REFERRAL_PANELS",
        [lambda request, r: {"template": "referrals/_row.html", "context": {}}],
    )

    body = practitioner_client.get(_url("referral_detail", referral)).content.decode()

    assert body.count("govuk-summary-list__row") > 0
    assert 'class="app-referral-panels"' in body


@pytest.mark.django_db
def test_person_page_shows_formatted_identifiers_flags_and_timeline(
    practitioner_client, referral, practitioner
):
    person = referral.person
    person.nhs_number, person.is_veteran = "9434765919", True
    person.save()
    referral_transition(
        referral=referral, to_status="closed", closure_reason="declined", by=practitioner
    )

    response = practitioner_client.get(_url("person_detail", person))

    body = response.content.decode()
    assert "943 476 5919" in body
    assert "Veteran" in body
    assert f"Referral {referral.reference} received" in body
    assert f"Referral {referral.reference}: Received to closed" in body
    assert AuditEvent.objects.filter(
        action=AuditAction.VIEW, person_id=person.pk, object_type="referrals.person"
    ).exists()


@pytest.mark.django_db
def test_person_timeline_merges_registered_providers(referral, practitioner, monkeypatch):
    from referrals.selectors import registry as selectors

    when = referral.received_at.replace(year=referral.received_at.year + 1)
    extra = {"when": when, "title": "Assessment signed", "detail": "", "url": ""}
    monkeypatch.setattr(
        selectors,
        "_TIMELINE_PROVIDERS",
        [*selectors._TIMELINE_PROVIDERS, lambda person, user: [extra]],
    )

    timeline = selectors.person_timeline(referral.person, practitioner)

    assert timeline[0] == extra
    assert timeline[-1]["title"] == f"Referral {referral.reference} received"


@pytest.mark.django_db
def test_person_page_query_count_is_the_same_for_1_and_3_referrals(
    practitioner_client, referral, site, practitioner, django_assert_num_queries
):
    url = _url("person_detail", referral.person)
    practitioner_client.get(url)
    with CaptureQueriesContext(connection) as one:
        practitioner_client.get(url)
    for _ in range(2):
        extra = ReferralFactory(person=referral.person, site=site)
        referral_transition(
            referral=extra, to_status="closed", closure_reason="declined", by=practitioner
        )

    with django_assert_num_queries(len(one)):
        response = practitioner_client.get(url)

    assert response.content.decode().count("Received to closed") == 2


# Edits and stale edits -----------------------------------------------------------------


def _person_post(person, **changes):
    data = {
        "given_name": person.given_name,
        "family_name": person.family_name,
        "date_of_birth": f"{person.date_of_birth:%d/%m/%Y}",
        "gender": person.gender,
        "nhs_number": person.nhs_number or "",
        "version": person.version,
    }
    data.update(changes)
    return data


@pytest.mark.django_db
def test_person_edit_saves_and_audits(practitioner_client, referral, practitioner):
    person = referral.person

    response = practitioner_client.post(
        _url("person_edit", person), _person_post(person, local_authority="Fenland")
    )

    person.refresh_from_db()
    assert response.status_code == 302
    assert person.local_authority == "Fenland" and person.version == 2
    assert AuditEvent.objects.filter(action=AuditAction.CHANGE, person_id=person.pk).exists()


@pytest.mark.django_db
def test_second_of_two_person_edits_is_told_and_overwrites_nothing(
    client, referral, practitioner, team
):
    person = referral.person
    colleague = UserFactory(team=team, role=Role.PRACTITIONER)
    first = _person_post(person, local_authority="Fenland")
    second = _person_post(person, local_authority="Huntingdonshire")
    client.force_login(practitioner)
    client.post(_url("person_edit", person), first)
    client.force_login(colleague)

    response = client.post(_url("person_edit", person), second)

    person.refresh_from_db()
    assert response.status_code == 409
    assert "Someone else saved this record while you were editing it" in response.content.decode()
    assert person.local_authority == "Fenland"


@pytest.mark.django_db
def test_person_edit_to_an_nhs_number_already_used_is_refused(practitioner_client, referral, team):
    other = PersonFactory(team=team)

    response = practitioner_client.post(
        _url("person_edit", referral.person),
        _person_post(referral.person, nhs_number=other.nhs_number),
    )

    assert response.status_code == 400
    assert "A person with this NHS number is already recorded" in response.content.decode()
    assert Person.objects.get(pk=referral.person.pk).nhs_number != other.nhs_number


def _referral_post(referral, **changes):
    local = referral.received_at.astimezone()
    data = {
        "source": referral.source,
        "site": referral.site_id,
        "received_date": f"{local:%d/%m/%Y}",
        "received_time": local.strftime("%H:%M"),
        "referrer_name": referral.referrer_name,
        "referrer_role": referral.referrer_role,
        "referrer_organisation": referral.referrer_organisation,
        "case_reference": referral.case_reference,
        "reason": referral.reason,
        "urgency": referral.urgency,
        "version": referral.version,
    }
    data.update(changes)
    return data


@pytest.mark.django_db
def test_second_of_two_referral_edits_is_told_and_overwrites_nothing(practitioner_client, referral):
    first = _referral_post(referral, referrer_name="First Editor")
    second = _referral_post(referral, referrer_name="Second Editor")
    assert practitioner_client.post(_url("referral_edit", referral), first).status_code == 302

    response = practitioner_client.post(_url("referral_edit", referral), second)

    referral.refresh_from_db()
    assert response.status_code == 409
    assert referral.referrer_name == "First Editor"


@pytest.mark.django_db
def test_referral_edit_without_version_is_refused(practitioner_client, referral):
    data = _referral_post(referral, referrer_name="Someone")
    del data["version"]

    response = practitioner_client.post(_url("referral_edit", referral), data)

    assert response.status_code == 400
    assert Referral.objects.get(pk=referral.pk).referrer_name == "PC Jordan Reed"


@pytest.mark.parametrize("page", ["person_edit", "referral_edit"])
@pytest.mark.django_db
def test_opening_an_edit_page_is_audited_as_a_view(practitioner_client, referral, page):
    obj = referral.person if page == "person_edit" else referral

    response = practitioner_client.get(_url(page, obj))

    assert response.status_code == 200
    assert (
        AuditEvent.objects.filter(action=AuditAction.VIEW, person_id=referral.person_id).count()
        == 1
    )


@pytest.mark.django_db
def test_referral_edit_change_is_audited(practitioner_client, referral, practitioner):
    practitioner_client.post(
        _url("referral_edit", referral), _referral_post(referral, referrer_name="DS Lee")
    )

    event = AuditEvent.objects.get(action=AuditAction.CHANGE)
    assert (event.user, event.object_type, event.person_id) == (
        practitioner,
        "referrals.referral",
        referral.person_id,
    )
