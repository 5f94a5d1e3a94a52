"""The services before an order: the recommendation (its criteria, the gate to ready for court)
and the court outcome that makes the order, or not.
"""

import pytest
from dateutil.relativedelta import relativedelta
from django.core.exceptions import ValidationError

from core.concurrency import StaleEditError
from treatment_requirements import services
from treatment_requirements.enums import HearingOutcome, RecommendationStatus, RequirementKind
from treatment_requirements.models import CourtOutcome, Order, OrderEvent

from .court_outcomes import community_order_data, order_made
from .factories import (
    CourtFactory,
    ProviderTeamFactory,
    RecommendationFactory,
    days,
    propose,
    ready_recommendation,
)

pytestmark = pytest.mark.django_db


# Recommendation ------------------------------------------------------------------------


def test_recommendation_create_refuses_a_draft_assessment(practitioner):
    from tests.assessments.factories import complete_assessment

    assessment = complete_assessment()
    with pytest.raises(ValidationError, match="Sign the assessment"):
        services.recommendation_create(
            assessment=assessment, requirements=[{"kind": "atr"}], by=practitioner
        )


def test_recommendation_create_makes_one_unanswered_row_per_criterion(practitioner):
    from tests.assessments.factories import signed_assessment

    recommendation = services.recommendation_create(
        assessment=signed_assessment(),
        requirements=[{"kind": "mhtr_secondary"}, {"kind": "drr"}],
        by=practitioner,
    )
    rows = {r.kind: [c.met for c in r.criteria.all()] for r in recommendation.requirements.all()}
    assert rows == {"mhtr_secondary": [None] * 4, "drr": [None] * 4}
    assert OrderEvent.objects.filter(recommendation=recommendation).count() == 1


def test_recommendation_create_refuses_primary_and_secondary_mhtr(practitioner):
    from tests.assessments.factories import signed_assessment

    with pytest.raises(ValidationError, match="not both"):
        services.recommendation_create(
            assessment=signed_assessment(),
            requirements=[{"kind": "mhtr_primary"}, {"kind": "mhtr_secondary"}],
            by=practitioner,
        )


def test_recommendation_gate_lists_each_unmet_criterion_and_missing_consent(practitioner):
    recommendation = RecommendationFactory()
    propose(recommendation, RequirementKind.ATR, all_met=False, consent_given=False)
    with pytest.raises(ValidationError) as exc:
        services.recommendation_mark_ready(
            recommendation=recommendation, expected_version=1, by=practitioner
        )
    assert exc.value.messages == [
        "ATR: The person is dependent on alcohol (not yet confirmed)",
        "ATR: The dependency requires and may be susceptible to treatment (not yet confirmed)",
        "ATR: Arrangements have been made for treatment by a person with the necessary "
        "qualifications or experience (not yet confirmed)",
        "ATR: the person's willingness to comply is not recorded",
    ]
    recommendation.refresh_from_db()
    assert recommendation.status == RecommendationStatus.DRAFT


def test_recommendation_gate_refuses_a_criterion_marked_not_met(practitioner):
    recommendation = RecommendationFactory()
    proposed = propose(recommendation, RequirementKind.DRR)
    row = proposed.criteria.get(code="drug_dependency")
    row.met = False
    row.save()
    problems = services.recommendation_problems(recommendation)
    assert problems == [
        "DRR: The person is dependent on, or has a propensity to misuse, drugs (not met)"
    ]


def test_recommendation_mark_ready_when_every_criterion_met_and_consented(practitioner):
    recommendation = RecommendationFactory()
    propose(recommendation, RequirementKind.MHTR_PRIMARY)
    propose(recommendation, RequirementKind.ATR)
    services.recommendation_mark_ready(
        recommendation=recommendation, expected_version=1, by=practitioner
    )
    recommendation.refresh_from_db()
    assert recommendation.status == RecommendationStatus.READY
    assert recommendation.ready_by == practitioner


def test_record_criteria_needs_evidence_for_a_met_criterion(practitioner, provider_team):
    recommendation = RecommendationFactory()
    proposed = propose(recommendation, RequirementKind.ATR, all_met=False)
    with pytest.raises(ValidationError) as exc:
        services.recommendation_record_criteria(
            requirement=proposed,
            answers={"alcohol_dependency": (True, "  ")},
            consent_given=True,
            provider=provider_team,
            duration_months=6,
            expected_version=recommendation.version,
            by=practitioner,
        )
    assert "evidence_alcohol_dependency" in exc.value.message_dict


def test_record_criteria_refuses_a_stale_version(practitioner, provider_team):
    recommendation = RecommendationFactory()
    proposed = propose(recommendation, RequirementKind.ATR, all_met=False)
    with pytest.raises(StaleEditError):
        services.recommendation_record_criteria(
            requirement=proposed,
            answers={},
            consent_given=True,
            provider=provider_team,
            duration_months=6,
            expected_version=recommendation.version + 1,
            by=practitioner,
        )


# Court outcome ---------------------------------------------------------------------------


def test_court_outcome_creates_order_linked_to_recommendation(practitioner, officer):
    recommendation = ready_recommendation()
    outcome = order_made(recommendation, officer, by=practitioner)
    order = outcome.order
    assert order.recommendation == recommendation
    assert order.probation_team == officer.team
    assert [(r.kind, r.length_months) for r in order.requirements.all()] == [
        ("mhtr_primary", 6),
        ("atr", 12),
    ]
    mhtr = order.requirements.get(kind="mhtr_primary")
    assert mhtr.proposed.recommendation == recommendation


def test_court_outcome_refuses_order_ending_more_than_3_years_after_made(practitioner, officer):
    recommendation = ready_recommendation()
    made = days(-1)
    data = community_order_data(officer, end_date=made + relativedelta(years=3, days=1))
    with pytest.raises(ValidationError) as exc:
        order_made(recommendation, officer, order_data=data, by=practitioner)
    assert "no more than 3 years" in exc.value.message_dict["end_date"][0]
    assert CourtOutcome.objects.count() == 0
    assert Order.objects.count() == 0


def test_court_outcome_accepts_order_ending_exactly_3_years_after_made(practitioner, officer):
    recommendation = ready_recommendation()
    made = days(-1)
    data = community_order_data(officer, end_date=made + relativedelta(years=3))
    outcome = order_made(recommendation, officer, order_data=data, by=practitioner)
    assert outcome.order.end_date == made + relativedelta(years=3)


def test_court_outcome_refuses_a_requirement_longer_than_the_order(practitioner, officer):
    recommendation = ready_recommendation()
    provider = ProviderTeamFactory()
    with pytest.raises(ValidationError) as exc:
        order_made(
            recommendation,
            officer,
            requirements=[{"kind": "atr", "length_months": 13, "provider": provider}],
            by=practitioner,
        )
    assert "after the order ends" in exc.value.message_dict["length_months"][0]
    assert Order.objects.count() == 0
    assert CourtOutcome.objects.count() == 0


def test_court_outcome_refuses_a_responsible_officer_who_is_not_probation(practitioner, officer):
    recommendation = ready_recommendation()
    with pytest.raises(ValidationError) as exc:
        order_made(
            recommendation,
            officer,
            order_data=community_order_data(officer, responsible_officer=practitioner),
            by=practitioner,
        )
    assert "responsible_officer" in exc.value.message_dict


def test_court_outcome_refuses_a_draft_recommendation(practitioner, officer):
    recommendation = RecommendationFactory()
    with pytest.raises(ValidationError, match="ready for court"):
        order_made(recommendation, officer, by=practitioner)


def test_court_outcome_not_made_needs_a_reason_and_makes_no_order(practitioner):
    recommendation = ready_recommendation()
    kwargs = {
        "recommendation": recommendation,
        "hearing_date": days(-1),
        "court": CourtFactory(),
        "outcome": HearingOutcome.NOT_MADE,
        "by": practitioner,
    }
    with pytest.raises(ValidationError):
        services.court_outcome_record(**kwargs)
    outcome = services.court_outcome_record(**kwargs, reason="Court imposed a fine instead")
    assert not Order.objects.filter(court_outcome=outcome).exists()
