"""Who sees which documents: L&D teams holding the person's referrals; probation the
documents of orders it supervises (health documents only with consent); nobody else."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.enums import Role
from accounts.policy import Action, Kind, scoped
from assessments.services import consent_withdraw
from documents.enums import DocumentType
from documents.models import Document
from tests.assessments.factories import ConsentFactory
from tests.factories import ReferralFactory, TeamFactory, UserFactory
from tests.treatment_requirements.factories import OrderFactory

from .conftest import attach

pytestmark = pytest.mark.django_db


def _visible(user):
    return set(scoped(user, Action.VIEW, Kind.DOCUMENT, Document.objects.all()))


def _consent(order, **fields):
    return ConsentFactory(referral=order.referral, recorded_by=order.referral.created_by, **fields)


@pytest.fixture
def papers(order, practitioner):
    """A court register, a PSR and a GP letter on the order; a discharge summary on the
    order's referral; a consent form on another referral; a document on no referral."""
    other_referral = ReferralFactory(person=order.person, created_by=practitioner)
    return {
        "court": attach(
            order.person, practitioner, document_type=DocumentType.COURT_PAPERS, order=order
        ),
        "psr": attach(
            order.person, practitioner, document_type=DocumentType.PRE_SENTENCE_REPORT, order=order
        ),
        "gp": attach(order.person, practitioner, document_type=DocumentType.GP_LETTER, order=order),
        "discharge": attach(
            order.person,
            practitioner,
            document_type=DocumentType.DISCHARGE_SUMMARY,
            referral=order.referral,
        ),
        "consent_form": attach(
            order.person,
            practitioner,
            document_type=DocumentType.CONSENT_FORM,
            referral=other_referral,
        ),
        "unlinked": attach(order.person, practitioner, document_type=DocumentType.COURT_PAPERS),
    }


def test_ld_team_holding_a_referral_sees_every_document_of_the_person(papers, practitioner):
    assert _visible(practitioner) == set(papers.values())


def test_a_second_ld_team_with_its_own_referral_sees_them_too_a_third_does_not(papers, order):
    second = UserFactory(role=Role.TEAM_LEAD, team=TeamFactory(name="Second L&D"))
    ReferralFactory(person=order.person, team=second.team, created_by=second)
    third = UserFactory(role=Role.PRACTITIONER, team=TeamFactory(name="Third L&D"))

    assert _visible(second) == set(papers.values())
    assert _visible(third) == set()


def test_probation_without_consent_sees_only_the_orders_court_papers_and_psr(papers, officer):
    assert _visible(officer) == {papers["court"], papers["psr"]}


def test_probation_with_consent_also_sees_health_documents_of_that_referral(papers, officer, order):
    _consent(order, share_with_probation=True)

    assert _visible(officer) == {papers["court"], papers["psr"], papers["gp"], papers["discharge"]}


@pytest.mark.parametrize(
    "decision",
    [{"share_with_court": True}, {"given": False}],
    ids=["consent-not-covering-probation", "refused"],
)
def test_probation_sees_no_health_document_under_another_decision(papers, officer, order, decision):
    _consent(order, **decision)

    assert _visible(officer) == {papers["court"], papers["psr"]}


def test_withdrawn_consent_closes_health_documents_again(papers, officer, order):
    consent = _consent(order, share_with_probation=True)
    consent_withdraw(consent=consent, withdrawn_on=consent.given_on, by=order.referral.created_by)

    assert _visible(officer) == {papers["court"], papers["psr"]}


def test_consent_on_another_referral_opens_nothing_here(papers, officer, order):
    ConsentFactory(referral=papers["consent_form"].referral, share_with_probation=True)

    assert _visible(officer) == {papers["court"], papers["psr"]}


def test_another_probation_team_sees_nothing(papers, other_officer):
    assert _visible(other_officer) == set()


def test_a_document_recorded_in_error_is_withdrawn_from_probation(papers, officer, practitioner):
    from documents.services import document_remove

    document_remove(document=papers["court"], reason="Wrong person", by=practitioner)

    assert _visible(officer) == {papers["psr"]}
    assert papers["court"] in _visible(practitioner)


@pytest.mark.parametrize("role", [Role.PROVIDER_CLINICIAN, Role.COMMISSIONER, Role.ADMINISTRATOR])
def test_other_roles_are_refused_the_documents_page(client, papers, order, role, clinician):
    client.force_login(
        UserFactory(role=role, team=TeamFactory(name=f"{role} team", kind="probation"))
    )

    response = client.get(reverse("documents:person_documents", args=[order.person.pk]))

    assert response.status_code == 403


def test_the_page_lists_only_this_persons_documents_the_user_may_see(
    client, papers, order, officer, practitioner
):
    neighbour = OrderFactory(responsible_officer=officer)
    attach(
        neighbour.person,
        practitioner,
        title="Neighbour's papers",
        document_type=DocumentType.COURT_PAPERS,
        order=neighbour,
    )
    client.force_login(officer)

    response = client.get(reverse("documents:person_documents", args=[order.person.pk]))

    body = response.content.decode()
    assert {d.pk for d in response.context["page"].rows} == {papers["court"].pk, papers["psr"].pk}
    assert "Neighbour" not in body
    assert "Court papers" in body and "Pre-sentence report" in body
    assert "GP letter" not in body and "Discharge summary" not in body


def test_documents_page_newest_first_with_keyset_pages(client, practitioner, order, settings):
    import documents.selectors as selectors

    settings.DEBUG = False
    titles = [f"Paper {n:02d}" for n in range(selectors.PAGE_SIZE + 3)]
    for title in titles:
        attach(order.person, practitioner, title=title)
    client.force_login(practitioner)
    url = reverse("documents:person_documents", args=[order.person.pk])

    first = client.get(url).context["page"]
    second = client.get(url, {"after": first.next_cursor}).context["page"]

    assert [d.title for d in first.rows] == titles[::-1][: selectors.PAGE_SIZE]
    assert [d.title for d in second.rows] == titles[::-1][selectors.PAGE_SIZE :]
    assert second.next_cursor is None


def test_documents_page_query_count_is_the_same_for_1_and_3_rows(client, practitioner, order):
    """Session, user, the person, its alerts, the page of rows (with their links and
    staff), the audit entry, the inbox count: the same for 1 row as for 3."""
    client.force_login(practitioner)
    url = reverse("documents:person_documents", args=[order.person.pk])
    client.get(url)  # warm the session and the user

    def measure(rows):
        with CaptureQueriesContext(connection) as captured:
            response = client.get(url)
        assert len(response.context["page"].rows) == rows
        return len(captured)

    attach(order.person, practitioner, title="Paper 0", order=order)
    one = measure(1)
    attach(order.person, practitioner, title="Paper 1", order=order)
    attach(order.person, practitioner, title="Paper 2", order=order)
    assert measure(3) == one
