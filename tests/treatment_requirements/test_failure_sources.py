"""Enforcement follows any unacceptable failure, not only a missed appointment (issue 12,
item 7): a refused or tampered drug test, and conduct that ends a session, open a Failure
with the same warning/breach rule and deadline, shown on the same screens and lists."""

import datetime
from unittest import mock

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from treatment_requirements import services
from treatment_requirements.enforcement import enforcement_deadline
from treatment_requirements.enums import AppointmentOutcome, EnforcementAction
from treatment_requirements.models import DrugTest, Failure, OrderEvent

from .factories import (
    AppointmentFactory,
    FailureFactory,
    OrderRequirementFactory,
    days,
)

pytestmark = pytest.mark.django_db

BOTH = [EnforcementAction.WARNING, EnforcementAction.BREACH]


@pytest.fixture
def drr(order, provider_team):
    return OrderRequirementFactory(order=order, kind="drr", provider=provider_team)


def _test_data(result, tested_on=None, **extra):
    return {
        "tested_on": tested_on or days(-1),
        "substances": "Opiates, cocaine",
        "result": result,
        "positive_for": "",
        **extra,
    }


def _ago(n_days, hour=10):
    return timezone.make_aware(datetime.datetime.combine(days(-n_days), datetime.time(hour)))


# Drug tests ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("result", "what"),
    [
        ("refused", "refused to give a sample for"),
        ("tampered", "tampered with or substituted the sample you gave for"),
    ],
)
def test_drug_test_unacceptable_refusal_or_tampering_opens_a_failure(
    order, drr, officer, result, what
):
    test = services.drug_test_record(
        requirement=drr, data=_test_data(result, excuse_accepted=False), by=officer
    )

    failure = Failure.objects.get()
    assert (failure.order, failure.drug_test, failure.appointment) == (order, test, None)
    assert failure.failure_date == days(-1)
    assert failure.deadline == enforcement_deadline(days(-1))
    assert failure.description == (
        f"You {what} a drug test under your drug rehabilitation requirement on "
        f"{days(-1):%d/%m/%Y} (testing for Opiates, cocaine)."
    )
    assert failure.source_label == "Drug test"
    assert services.allowed_actions(failure) == BOTH
    assert test.excuse_accepted is False


def test_drug_test_acceptable_refusal_needs_excuse_and_evidence_and_opens_no_failure(drr, officer):
    with pytest.raises(ValidationError) as exc:
        services.drug_test_record(
            requirement=drr,
            data=_test_data("refused", excuse_accepted=True, excuse="Dehydrated after vomiting"),
            by=officer,
        )
    assert exc.value.message_dict == {"evidence": ["Enter the evidence that supports the excuse"]}

    test = services.drug_test_record(
        requirement=drr,
        data=_test_data(
            "refused",
            excuse_accepted=True,
            excuse="Dehydrated after vomiting",
            evidence="Discharge note from A&E seen",
        ),
        by=officer,
    )

    assert test.excuse_accepted is True
    assert Failure.objects.count() == 0


def test_drug_test_refusal_without_a_judgement_is_refused(drr, officer):
    with pytest.raises(ValidationError) as exc:
        services.drug_test_record(requirement=drr, data=_test_data("refused"), by=officer)

    assert exc.value.message_dict == {
        "excuse_accepted": ["Select whether the person had an acceptable reason"]
    }
    assert DrugTest.objects.count() == 0


@pytest.mark.parametrize("result", ["negative", "positive"])
def test_drug_test_other_results_open_no_failure_and_carry_no_judgement(drr, officer, result):
    data = _test_data(result, excuse_accepted=False, excuse="x", evidence="y")
    data["positive_for"] = "Cocaine" if result == "positive" else ""

    test = services.drug_test_record(requirement=drr, data=data, by=officer)

    assert (test.excuse_accepted, test.excuse, test.evidence) == (None, "", "")
    assert Failure.objects.count() == 0


def test_drug_test_failure_within_a_warning_period_requires_breach(order, drr, officer):
    missed = AppointmentFactory(order=order, starts_at=_ago(20))
    first = services.appointment_record_outcome(
        appointment=missed, outcome="unacceptable_absence", expected_version=1, by=officer
    )
    services.failure_take_action(
        failure=first, action=EnforcementAction.WARNING, action_on=days(-19), by=officer
    )

    services.drug_test_record(
        requirement=drr, data=_test_data("tampered", excuse_accepted=False), by=officer
    )

    assert services.allowed_actions(Failure.objects.get(drug_test__isnull=False)) == [
        EnforcementAction.BREACH
    ]


def test_drug_test_failure_warning_letter_describes_the_test(order, drr, officer):
    services.drug_test_record(
        requirement=drr, data=_test_data("refused", excuse_accepted=False), by=officer
    )

    warning = services.failure_take_action(
        failure=Failure.objects.get(), action=EnforcementAction.WARNING, by=officer
    )

    assert (
        f"You refused to give a sample for a drug test under your drug rehabilitation "
        f"requirement on {days(-1):%d/%m/%Y} (testing for Opiates, cocaine).\n\n"
        "I consider this a failure to comply with your order"
    ) in warning.letter_text


def test_drug_test_record_bumps_the_order_version_and_writes_history(order, drr, officer):
    version = order.version

    services.drug_test_record(
        requirement=drr, data=_test_data("refused", excuse_accepted=False), by=officer
    )

    order.refresh_from_db()
    assert order.version == version + 1
    assert list(OrderEvent.objects.filter(order=order).values_list("summary", flat=True)) == [
        "Drug test recorded: Refused (unacceptable)"
    ]


# One source per failure ---------------------------------------------------------------------


def test_failure_needs_exactly_one_source(order, drr, officer):
    appointment = AppointmentFactory(order=order, outcome="unacceptable_absence")
    test = DrugTest.objects.create(
        order=order,
        requirement=drr,
        tested_on=days(-1),
        substances="Opiates",
        result="refused",
        excuse_accepted=False,
        recorded_by=officer,
    )
    fields = {
        "order": order,
        "failure_date": days(-1),
        "description": "Failure",
        "deadline": days(9),
        "recorded_by": officer,
    }
    for sources in [{}, {"appointment": appointment, "drug_test": test}]:
        with pytest.raises(IntegrityError), transaction.atomic():
            Failure.objects.create(**fields, **sources)

    Failure.objects.create(**fields, drug_test=test)
    Failure.objects.create(**fields, appointment=appointment)
    assert Failure.objects.count() == 2


def test_drug_test_only_refused_or_tampered_tests_are_judged(order, drr, officer):
    with pytest.raises(IntegrityError), transaction.atomic():
        DrugTest.objects.create(
            order=order,
            requirement=drr,
            tested_on=days(-1),
            substances="Opiates",
            result="negative",
            excuse_accepted=False,
            recorded_by=officer,
        )
    with pytest.raises(IntegrityError), transaction.atomic():
        DrugTest.objects.create(
            order=order,
            requirement=drr,
            tested_on=days(-1),
            substances="Opiates",
            result="refused",
            excuse_accepted=True,
            recorded_by=officer,
        )


# Conduct that ends a session ----------------------------------------------------------------


def test_appointment_conduct_that_ended_the_session_opens_a_failure_describing_it(order, officer):
    appointment = AppointmentFactory(order=order, starts_at=_ago(1, hour=14))

    failure = services.appointment_record_outcome(
        appointment=appointment,
        outcome=AppointmentOutcome.ATTENDED_FAILED,
        notes="You were asked to leave after shouting at the therapist.",
        expected_version=1,
        by=officer,
    )

    assert failure.appointment == appointment
    assert failure.description == (
        "You attended but did not comply with the requirements of your Talking therapy "
        f"session appointment on {days(-1):%d/%m/%Y} at 14:00. You were asked to leave after "
        "shouting at the therapist."
    )
    assert failure.deadline == enforcement_deadline(days(-1))


def test_appointment_failed_to_comply_needs_a_description(order, officer):
    appointment = AppointmentFactory(order=order, starts_at=_ago(1))

    with pytest.raises(ValidationError) as exc:
        services.appointment_record_outcome(
            appointment=appointment,
            outcome=AppointmentOutcome.ATTENDED_FAILED,
            expected_version=1,
            by=officer,
        )

    assert list(exc.value.message_dict) == ["notes"]
    appointment.refresh_from_db()
    assert (appointment.outcome, Failure.objects.count()) == ("", 0)


@pytest.mark.parametrize(
    ("outcome", "failures"),
    [("attended_complied", 0), ("unacceptable_absence", 1)],
)
def test_appointment_record_outcome_locks_the_order_and_bumps_its_version(
    order, officer, outcome, failures
):
    from treatment_requirements.services import order_change

    appointment = AppointmentFactory(order=order, starts_at=_ago(1))
    version = order.version

    with mock.patch.object(order_change, "lock_order", wraps=order_change.lock_order) as lock:
        services.appointment_record_outcome(
            appointment=appointment, outcome=outcome, expected_version=1, by=officer
        )

    order.refresh_from_db()
    assert [call.args[0].pk for call in lock.call_args_list] == [order.pk]
    assert order.version == version + 1
    assert Failure.objects.count() == failures


# Screens and lists --------------------------------------------------------------------------


def test_drug_test_screen_refusal_leads_to_the_enforcement_decision(client, order, drr, officer):
    client.force_login(officer)
    url = reverse("treatment_requirements:drug_test_new", args=[order.pk])
    form = {
        "requirement": drr.pk,
        "tested_on": days(-1).strftime("%d/%m/%Y"),
        "substances": "Opiates",
        "result": "refused",
    }

    response = client.post(url, form)
    assert response.status_code == 400
    assert "Select whether the person had an acceptable reason" in response.content.decode()

    response = client.post(url, {**form, "excuse_accepted": "no"})

    failure = Failure.objects.get()
    assert response.url == reverse(
        "treatment_requirements:failure_action", args=[order.pk, failure.pk]
    )
    page = client.get(response.url).content.decode()
    assert 'value="warning"' in page and 'value="breach"' in page
    assert (
        f"You refused to give a sample for a drug test under your drug rehabilitation "
        f"requirement on {days(-1):%d/%m/%Y} (testing for Opiates)."
    ) in page


def test_drug_test_screen_acceptable_refusal_needs_the_excuse(client, order, drr, officer):
    client.force_login(officer)
    url = reverse("treatment_requirements:drug_test_new", args=[order.pk])

    response = client.post(
        url,
        {
            "requirement": drr.pk,
            "tested_on": days(-1).strftime("%d/%m/%Y"),
            "substances": "Opiates",
            "result": "refused",
            "excuse_accepted": "yes",
        },
    )

    assert response.status_code == 400
    assert "Enter the person&#x27;s excuse" in response.content.decode()
    assert DrugTest.objects.count() == 0


def test_order_page_and_caseload_list_failures_from_drug_tests_and_appointments(
    client, order, drr, officer
):
    FailureFactory(order=order, failure_date=days(-3), deadline=days(7))
    services.drug_test_record(
        requirement=drr,
        data=_test_data("tampered", tested_on=days(-2), excuse_accepted=False),
        by=officer,
    )
    client.force_login(officer)

    order_page = client.get(order.get_absolute_url()).content.decode()
    caseload = client.get(reverse("treatment_requirements:caseload")).content.decode()

    for page in (order_page, caseload):
        assert f"{days(-3):%-d %b %Y}: appointment" in page
        assert f"{days(-2):%-d %b %Y}: drug test" in page
    assert (
        f"{days(-2):%-d %b %Y}: Opiates, cocaine, <strong>tampered with or substituted</strong>: "
        "unacceptable failure to comply"
    ) in order_page


def test_appointment_outcome_screen_offers_conduct_hint_and_needs_notes(client, order, officer):
    appointment = AppointmentFactory(order=order, starts_at=_ago(1))
    client.force_login(officer)
    url = reverse("treatment_requirements:appointment_outcome", args=[order.pk, appointment.pk])

    assert "asked to leave because of their behaviour" in client.get(url).content.decode()
    response = client.post(url, {"version": 1, "outcome": "attended_failed"})

    assert response.status_code == 400
    assert "Describe how the person failed to comply" in response.content.decode()
    assert Failure.objects.count() == 0
