"""The other dates of the order's forms (core.forms), each bound by what the form is about: the
failure, the breach, the order, the referral or the reoffending window; the day before, of
and after each bound.
"""

import datetime

import pytest
from django.utils import timezone

from treatment_requirements import forms, services

from .factories import FailureFactory, days
from .screens import long_day, typed_day

pytestmark = pytest.mark.django_db


# The other dates, bound by what the form is about ----------------------------------------


def _errors(form_class, field, typed, **context) -> list[str]:
    form = form_class({field: typed}, **context)
    form.is_valid()
    return form.errors.get(field, [])


def _edges(earliest, latest):
    one = datetime.timedelta(days=1)
    return [
        (earliest - one, False),
        (earliest, True),
        (earliest + one, True),
        (latest - one, True),
        (latest, True),
        (latest + one, False),
    ]


def test_an_enforcement_date_from_the_failure_to_today(order, officer):
    failure = FailureFactory(order=order, failure_date=days(-10))
    context = {"allowed": ["warning"], "failure": failure}

    for day, accepted in _edges(days(-10), days(0)):
        errors = _errors(forms.EnforcementForm, "action_on", typed_day(day), **context)
        assert (errors == []) is accepted, (day, errors)
    assert _errors(forms.EnforcementForm, "action_on", typed_day(days(-11)), **context) == [
        f"Date of the action must be on or after the failure to comply, {long_day(days(-10))}"
    ]


def test_a_breach_decision_from_the_referral_for_breach_to_today(order, officer):
    breach = services.failure_take_action(
        failure=FailureFactory(order=order, failure_date=days(-10)),
        action="breach",
        action_on=days(-8),
        by=officer,
    )

    for day, accepted in _edges(days(-8), days(0)):
        errors = _errors(forms.BreachOutcomeForm, "outcome_on", typed_day(day), breach=breach)
        assert (errors == []) is accepted, (day, errors)
    assert _errors(forms.BreachOutcomeForm, "outcome_on", typed_day(days(1)), breach=breach) == [
        "Date of the decision must be today or in the past"
    ]


@pytest.mark.parametrize(
    ("form_class", "field", "context"),
    [
        (forms.DrugTestForm, "tested_on", "drr"),
        (forms.OutcomeMeasureForm, "measured_on", ""),
        (forms.TerminationForm, "terminated_on", ""),
    ],
)
def test_what_happened_under_the_order_from_its_start_to_today(order, form_class, field, context):
    kwargs = {"order": order}
    if context == "drr":
        kwargs["drr_requirements"] = order.requirements.all()

    for day, accepted in _edges(order.start_date, days(0)):
        errors = _errors(form_class, field, typed_day(day), **kwargs)
        assert (errors == []) is accepted, (day, errors)


def test_a_review_hearing_within_the_order(order):
    kwargs = {"order": order, "drr_requirements": order.requirements.all()}

    for day, accepted in _edges(order.start_date, order.end_date):
        errors = _errors(forms.ReviewForm, "review_date", typed_day(day), **kwargs)
        assert (errors == []) is accepted, (day, errors)


def _referred(order, days_ago):
    referral = order.referral
    received_at = timezone.now() - datetime.timedelta(days=days_ago)
    type(referral).objects.filter(pk=referral.pk).update(received_at=received_at)
    referral.refresh_from_db()
    return referral


def test_a_reoffending_event_within_the_window_when_it_has_ended(order):
    referral = _referred(order, 400)
    first, last = referral.reoffending_window
    within = (
        "Date of the re-arrest or reconviction must be within the 12 months beginning with "
        f"the referral, {long_day(first)} to {long_day(last)}"
    )

    for day, accepted in _edges(first, last):
        errors = _errors(forms.ReoffendingForm, "occurred_on", typed_day(day), referral=referral)
        assert errors == ([] if accepted else [within]), day


def test_a_reoffending_event_within_the_window_and_not_after_today(order):
    referral = _referred(order, 30)
    first, _ = referral.reoffending_window

    for day, accepted in _edges(first, days(0)):
        errors = _errors(forms.ReoffendingForm, "occurred_on", typed_day(day), referral=referral)
        assert (errors == []) is accepted, (day, errors)
    assert _errors(forms.ReoffendingForm, "occurred_on", typed_day(days(1)), referral=referral) == [
        "Date of the re-arrest or reconviction must be today or in the past"
    ]


def test_the_reoffending_check_from_the_day_it_falls_due_to_today(order):
    referral = order.referral
    referral.reoffending_check_due_on = days(-5)

    for day, accepted in _edges(days(-5), days(0)):
        errors = _errors(
            forms.ReoffendingCheckForm, "checked_on", typed_day(day), referral=referral
        )
        assert (errors == []) is accepted, (day, errors)
    assert _errors(
        forms.ReoffendingCheckForm, "checked_on", typed_day(days(-6)), referral=referral
    ) == [
        f"Date checked must be on or after {long_day(days(-5))}, when the 12 months beginning "
        "with the referral have ended"
    ]


def test_a_hearing_from_the_referral_to_today(order):
    recommendation = order.recommendation
    recommendation.referral = _referred(order, 90)
    referred_on = days(-90)

    for day, accepted in _edges(referred_on, days(0)):
        errors = _errors(
            forms.CourtOutcomeForm, "hearing_date", typed_day(day), recommendation=recommendation
        )
        assert (errors == []) is accepted, (day, errors)
    assert _errors(
        forms.CourtOutcomeForm, "hearing_date", typed_day(days(-91)), recommendation=recommendation
    ) == [f"Hearing date must be on or after the referral, {long_day(referred_on)}"]
