"""Probation sees assessment-derived content only under the consent of the referral it came
from: several people on one caseload, several referrals per person, each with its own
consent history, and two probation teams.

The cases (referral keys), all assessed by the practitioner's L&D team:

| key | person | latest consent-to-share decision on this referral      | order supervised by |
|-----|--------|--------------------------------------------------------|---------------------|
| A1  | Ann    | given, including probation                             | team P1             |
| A2  | Ann    | refused (A1's consent must not open it)                | none                |
| A3  | Ann    | none recorded                                          | none                |
| B1  | Ben    | given, for the court only                              | team P1             |
| B2  | Ben    | given including probation, then withdrawn              | team P1             |
| C1  | Cat    | given including probation, later refused               | team P1             |
| C2  | Cat    | refused, later given including probation               | team P1             |
| D1  | Dan    | given, including probation                             | team P2             |

Each case's recommendation carries criterion evidence naming its key ("DAST-10 substantial
(A1)") and its assessment a formulation naming it, so a page that leaks shows which case.
"""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.enums import Role
from accounts.policy import Action, Kind, scoped
from assessments import services as assessment_services
from assessments.models import Assessment
from referrals.models import Person
from tests.assessments.factories import ConsentFactory, InstrumentResponseFactory, signed_assessment
from tests.factories import PersonFactory, ReferralFactory, TeamFactory, UserFactory
from treatment_requirements.enums import RequirementKind
from treatment_requirements.models import CriterionConfirmation, Recommendation

from .factories import (
    OrderFactory,
    OrderRequirementFactory,
    ProbationOfficerFactory,
    ProbationTeamFactory,
    ready_recommendation,
)
from .seeded import built_once, note_seeded_people

pytestmark = pytest.mark.django_db

GIVEN = ("given", ("probation", "court"))
GIVEN_COURT_ONLY = ("given", ("court",))
REFUSED = ("refused", ())
WITHDRAWN = ("withdrawn", ("probation", "court"))  # given, then withdrawn

# key: (person, consent decisions oldest first, supervising team or None)
CASES = {
    "A1": ("Ann", [GIVEN], "P1"),
    "A2": ("Ann", [REFUSED], None),
    "A3": ("Ann", [], None),
    "B1": ("Ben", [GIVEN_COURT_ONLY], "P1"),
    "B2": ("Ben", [WITHDRAWN], "P1"),
    "C1": ("Cat", [GIVEN, REFUSED], "P1"),
    "C2": ("Cat", [REFUSED, GIVEN], "P1"),
    "D1": ("Dan", [GIVEN], "P2"),
}
OPEN_TO = {"P1": {"A1", "C2"}, "P2": {"D1"}}


def evidence(key):
    return f"DAST-10 substantial ({key})"


def formulation(key):
    return f"Drug dependency maintained by housing loss ({key})."


@pytest.fixture(scope="module")
def _world_once(django_db_setup, django_db_blocker):
    # The tests only read the world: it is built once for the module (seeded.py).
    with built_once(django_db_blocker, _build_world) as seeded:
        yield seeded


@pytest.fixture
def world(_world_once, db):
    data, people = _world_once
    note_seeded_people(people)
    return data


def _build_world():
    """The cases above, two probation teams (P1 with two officers, P2 with one) and the
    clinician of P1's provider."""
    team = TeamFactory(name="Cambridgeshire & Peterborough L&D")
    practitioner = UserFactory(role=Role.PRACTITIONER, team=team, username="practitioner")
    teams = {"P1": ProbationTeamFactory(name="Probation P1"), "P2": ProbationTeamFactory()}
    officers = {
        "P1": ProbationOfficerFactory(team=teams["P1"], username="p1-officer"),
        "P1-colleague": ProbationOfficerFactory(team=teams["P1"], username="p1-colleague"),
        "P2": ProbationOfficerFactory(team=teams["P2"], username="p2-officer"),
    }
    clinician = UserFactory(role=Role.PROVIDER_CLINICIAN, username="p1-clinician")
    people: dict[str, Person] = {}
    recommendations: dict[str, Recommendation] = {}
    orders = {}
    recorded = timezone.now() - datetime.timedelta(days=30)
    for key, (name, decisions, team) in CASES.items():
        if name not in people:
            people[name] = PersonFactory(
                given_name=name, team=practitioner.team, created_by=practitioner
            )
        referral = ReferralFactory(
            person=people[name], team=practitioner.team, created_by=practitioner
        )
        recommendation = _drr_recommendation(referral, key)
        recommendations[key] = recommendation
        recorded = _record_consents(referral, decisions, recorded, by=practitioner)
        if team is not None:
            orders[key] = OrderFactory(
                court_outcome__recommendation=recommendation,
                responsible_officer=officers[team],
                probation_team=teams[team],
            )
            OrderRequirementFactory(order=orders[key], kind="drr", provider=clinician.team)
    return {
        "officers": officers,
        "clinician": clinician,
        "people": people,
        "recommendations": recommendations,
        "orders": orders,
    }


def _drr_recommendation(referral, key):
    """A DRR recommended on a signed assessment with a DAST-10; its formulation and its
    criterion evidence name the case's key."""
    assessment = signed_assessment(referral=referral, formulation=formulation(key))
    InstrumentResponseFactory(
        assessment=assessment,
        code="DAST-10",
        answers=[1] * 7 + [0] * 3,
        total=7,
        band="substantial",
    )
    recommendation = ready_recommendation(assessment=assessment, kinds=(RequirementKind.DRR,))
    CriterionConfirmation.objects.filter(requirement__recommendation=recommendation).update(
        evidence=evidence(key)
    )
    return recommendation


def _record_consents(referral, decisions, recorded, *, by):
    """The referral's consent decisions, an hour apart after `recorded` (so the last is the
    latest); returns when the last was recorded."""
    for decision, agencies in decisions:
        recorded += datetime.timedelta(hours=1)
        consent = ConsentFactory(
            referral=referral,
            given=decision != "refused",
            recorded_at=recorded,
            **{f"share_with_{agency}": True for agency in agencies},
        )
        if decision == "withdrawn":
            assessment_services.consent_withdraw(
                consent=consent, withdrawn_on=consent.given_on, by=by
            )
    return recorded


def _team(officer_key):
    return officer_key.split("-")[0]


OFFICER_KEYS = ["P1", "P1-colleague", "P2"]
ALL_CELLS = [(officer, key) for officer in OFFICER_KEYS for key in CASES]


def _open(officer_key, key):
    return key in OPEN_TO[_team(officer_key)]


def _html(response):
    return response.content.decode()


# The scope --------------------------------------------------------------------------------


@pytest.mark.parametrize("officer_key", OFFICER_KEYS)
def test_probation_scope_selects_recommendations_by_their_own_referrals_consent(world, officer_key):
    officer = world["officers"][officer_key]
    recommendations = world["recommendations"]

    visible = scoped(officer, Action.VIEW, Kind.RECOMMENDATION, Recommendation.objects.all())

    assert {key for key, r in recommendations.items() if r in visible} == OPEN_TO[
        _team(officer_key)
    ]


@pytest.mark.parametrize("officer_key", OFFICER_KEYS)
def test_probation_scope_selects_assessments_by_their_own_referrals_consent(world, officer_key):
    officer = world["officers"][officer_key]
    recommendations = world["recommendations"]

    visible = set(scoped(officer, Action.VIEW, Kind.ASSESSMENT, Assessment.objects.all()))

    assert {key for key, r in recommendations.items() if r.assessment in visible} == OPEN_TO[
        _team(officer_key)
    ]


# Pages ----------------------------------------------------------------------------------


@pytest.mark.parametrize(("officer_key", "key"), ALL_CELLS)
def test_recommendation_page_shows_evidence_only_under_its_referrals_consent(
    client, world, officer_key, key
):
    client.force_login(world["officers"][officer_key])
    recommendation = world["recommendations"][key]

    response = client.get(recommendation.get_absolute_url())

    assert response.status_code == (200 if _open(officer_key, key) else 404)
    assert (evidence(key) in _html(response)) is _open(officer_key, key)


@pytest.mark.parametrize(("officer_key", "key"), ALL_CELLS)
def test_court_summary_shows_evidence_only_under_its_referrals_consent(
    client, world, officer_key, key
):
    client.force_login(world["officers"][officer_key])
    recommendation = world["recommendations"][key]

    response = client.get(
        reverse("treatment_requirements:recommendation_print", args=[recommendation.pk])
    )

    assert response.status_code == (200 if _open(officer_key, key) else 404)
    assert (evidence(key) in _html(response)) is _open(officer_key, key)


@pytest.mark.parametrize(("officer_key", "key"), ALL_CELLS)
def test_assessment_summary_shows_only_under_its_referrals_consent(client, world, officer_key, key):
    client.force_login(world["officers"][officer_key])
    assessment = world["recommendations"][key].assessment

    response = client.get(reverse("assessments:summary", args=[assessment.pk]))

    assert response.status_code == (200 if _open(officer_key, key) else 404)
    assert (formulation(key) in _html(response)) is _open(officer_key, key)
    assert ("Drug Abuse Screening Test" in _html(response)) is _open(officer_key, key)


@pytest.mark.parametrize("officer_key", OFFICER_KEYS)
@pytest.mark.parametrize("name", ["Ann", "Ben", "Cat", "Dan"])
def test_person_timeline_shows_what_was_recommended_only_under_consent(
    client, world, officer_key, name
):
    client.force_login(world["officers"][officer_key])
    person = world["people"][name]

    response = client.get(reverse("referrals:person_detail", args=[person.pk]))

    keys = [key for key, case in CASES.items() if case[0] == name]
    on_caseload = any(
        key in world["orders"] and CASES[key][2] == _team(officer_key) for key in keys
    )
    assert response.status_code == (200 if on_caseload else 404)
    html = _html(response)
    shown = {
        key
        for key in keys
        if f"Recommendation {world['recommendations'][key].reference} made" in html
    }
    assert shown == {key for key in keys if _open(officer_key, key)}
    assert [key for key in keys if evidence(key) in html or formulation(key) in html] == []


@pytest.mark.parametrize(
    ("officer_key", "key"),
    [(o, k) for o, k in ALL_CELLS if k in ("A1", "B1", "B2", "C1", "C2", "D1")],
)
def test_order_page_links_the_recommendation_only_under_consent(client, world, officer_key, key):
    client.force_login(world["officers"][officer_key])
    order = world["orders"][key]

    response = client.get(order.get_absolute_url())

    supervised = CASES[key][2] == _team(officer_key)
    assert response.status_code == (200 if supervised else 404)
    html = _html(response)
    link = f'href="{order.recommendation.get_absolute_url()}"'
    assert (link in html) is _open(officer_key, key)
    assert evidence(key) not in html
    assert formulation(key) not in html


def test_provider_clinician_sees_orders_but_no_recommendation_or_evidence(client, world):
    client.force_login(world["clinician"])

    pages = [client.get(order.get_absolute_url()) for order in world["orders"].values()]
    pages += [
        client.get(reverse("referrals:person_detail", args=[person.pk]))
        for person in world["people"].values()
    ]

    assert [page.status_code for page in pages] == [200] * len(pages)
    html = "".join(_html(page) for page in pages)
    for key, recommendation in world["recommendations"].items():
        assert evidence(key) not in html
        assert f"Recommendation {recommendation.reference}" not in html
        assert f'href="{recommendation.get_absolute_url()}"' not in html
