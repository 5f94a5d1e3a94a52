"""The check-and-sign page (GOV.UK "check answers"): every section's answers with a change link
to its question, the instruments' scores, and blockers linking to the missing answer. The
task list's state of a drafted step: test_task_list_drafts.
"""

from urllib.parse import urlsplit

import pytest
from django.urls import reverse
from django.utils import timezone

from assessments.enums import ConsentKind, Indicator, RiskLevel
from assessments.sections import SECTIONS

from .check_page import Tree, cards, ids_on, page_of, problems, section_url, sign_url
from .factories import AssessmentFactory, InstrumentResponseFactory, complete_assessment
from .helpers import team_assessment

pytestmark = pytest.mark.django_db


# The check page ----------------------------------------------------------------------


def test_check_page_shows_every_section_with_answers_as_labels(practitioner_client, practitioner):
    assessment = team_assessment(practitioner, complete_assessment)

    shown = cards(page_of(practitioner_client.get(sign_url(assessment))))

    assert list(shown) == [section.key for section in SECTIONS]
    for section in SECTIONS:
        assert len(shown[section.key]) == len(section.fields)
    answers = {key: {q: row["answer"] for q, row in rows.items()} for key, rows in shown.items()}
    assert answers["presenting"] == {
        "Date of assessment": f"{timezone.localdate():%-d %B %Y}",
        "Presenting needs": "Low mood since losing housing; asks for help with drinking.",
    }
    assert answers["neurodevelopmental"] == {
        "Learning disability": "No indication",
        "Autism": "No indication",
        "ADHD": "Possible: needs further assessment",
        "Notes on learning disability, autism and ADHD": "Not answered",
    }
    assert answers["risk"]["Risk level"] == "Medium"
    assert answers["formulation"]["Mental-health care threshold"] == (
        "Primary care (mild to moderate need)"
    )


def test_check_page_shows_not_answered_for_partial_answers(practitioner_client, practitioner):
    assessment = team_assessment(
        practitioner,
        assessed_on=None,
        drug_use="Heroin, daily",
        autism=Indicator.DIAGNOSED,
        risk_level=RiskLevel.HIGH,
    )

    shown = cards(page_of(practitioner_client.get(sign_url(assessment))))

    answers = {key: {q: row["answer"] for q, row in rows.items()} for key, rows in shown.items()}
    assert answers["presenting"] == {
        "Date of assessment": "Not answered",
        "Presenting needs": "Not answered",
    }
    assert answers["substance_use"] == {"Drug use": "Heroin, daily", "Alcohol use": "Not answered"}
    assert answers["neurodevelopmental"]["Autism"] == "Known diagnosis"
    assert answers["neurodevelopmental"]["ADHD"] == "Not answered"
    assert answers["risk"] == {
        "Risk to self": "Not answered",
        "Risk to others": "Not answered",
        "Risk level": "High",
    }
    blank = sum(
        1 for rows in answers.values() for answer in rows.values() if answer == "Not answered"
    )
    assert blank == sum(len(section.fields) for section in SECTIONS) - 3


@pytest.mark.parametrize("factory", [AssessmentFactory, complete_assessment])
def test_every_change_link_lands_on_its_question_on_the_section_page(
    practitioner_client, practitioner, factory
):
    assessment = team_assessment(practitioner, factory)
    shown = cards(page_of(practitioner_client.get(sign_url(assessment))))
    pages = {}

    for key, rows in shown.items():
        for question, row in rows.items():
            link = urlsplit(row["href"])
            assert (link.path, link.query) == (section_url(assessment, key), "return=check")
            if link.path not in pages:
                pages[link.path] = ids_on(practitioner_client, f"{link.path}?{link.query}")
            assert link.fragment in pages[link.path], (question, link.fragment)
            assert row["link_text"] == f"Change {row['hidden']}"

    assert shown["neurodevelopmental"]["ADHD"]["hidden"] == "ADHD"
    assert shown["physical_health"]["Physical health"]["hidden"] == "physical health"
    assert shown["risk"]["Risk level"]["href"].endswith("#id_risk_level_1")  # the first radio
    assert len(pages) == len(SECTIONS)


def test_saving_a_section_opened_from_the_check_page_returns_to_it(
    practitioner_client, practitioner
):
    assessment = team_assessment(practitioner)
    url = f"{section_url(assessment, 'physical_health')}?return=check"

    page = page_of(practitioner_client.get(url))
    response = practitioner_client.post(
        url, {"physical_health": "Asthma", "version": assessment.version}
    )

    assert page.find("a", class_="govuk-back-link").attrs["href"] == sign_url(assessment)
    assert response.status_code == 302
    assert response.url == sign_url(assessment)
    shown = cards(page_of(practitioner_client.get(response.url)))
    assert shown["physical_health"]["Physical health"]["answer"] == "Asthma"


def test_check_page_shows_instrument_scores_and_bands(practitioner_client, practitioner):
    assessment = team_assessment(practitioner)
    InstrumentResponseFactory(assessment=assessment)  # PHQ-9, 8: mild
    InstrumentResponseFactory(
        assessment=assessment,
        code="AUDIT",
        answers=[1, 1, None, None, None, None, None, None, None, None],
        is_complete=False,
        total=None,
        band="",
        completed_at=None,
    )

    page = page_of(practitioner_client.get(sign_url(assessment)))

    card = page.find("div", data_check_section="instruments")
    rows = [
        (row.find("dt").text(), row.find("dd").text())
        for row in card.find_all("div", class_="govuk-summary-list__row")
    ]
    assert rows == [
        ("Patient Health Questionnaire (PHQ-9)", "8: Mild depression"),
        (
            "Alcohol Use Disorders Identification Test (AUDIT)",
            "Partly answered (2 of 10 items): not scored",
        ),
    ]


def test_check_page_without_instruments_has_no_instrument_card(practitioner_client, practitioner):
    assessment = team_assessment(practitioner)

    page = page_of(practitioner_client.get(sign_url(assessment)))

    assert page.find("div", data_check_section="instruments") is None


def test_blockers_link_to_the_missing_answer(practitioner_client, practitioner):
    assessment = team_assessment(
        practitioner, complete_assessment, adhd="", safeguarding="", care_threshold=""
    )
    assessment.referral.consents.all().delete()
    InstrumentResponseFactory(
        assessment=assessment,
        code="AUDIT",
        answers=[1, 1, 0, None, 2, None, None, None, None, None],
        is_complete=False,
        total=None,
        band="",
        completed_at=None,
    )

    listed = problems(page_of(practitioner_client.get(sign_url(assessment))))

    consent = reverse("assessments:consent_record", args=[assessment.referral_id])
    audit = reverse("assessments:instrument", args=[assessment.pk, "audit"])
    assert listed == [
        (
            "Learning disability, autism and ADHD: select the ADHD",
            f"{section_url(assessment, 'neurodevelopmental')}?return=check#id_adhd_1",
        ),
        (
            "Trauma and safeguarding: enter the safeguarding",
            f"{section_url(assessment, 'trauma_safeguarding')}?return=check#id_safeguarding",
        ),
        (
            "Formulation and care threshold: select the mental-health care threshold",
            f"{section_url(assessment, 'formulation')}?return=check#id_care_threshold_1",
        ),
        (
            "AUDIT is partly answered (4 of 10 items): finish it or discard it",
            f"{audit}?return=check#id_item_4_0",
        ),
        (
            "Consent: record that the person consents to be assessed",
            f"{consent}?kind={ConsentKind.TO_BE_ASSESSED}#id_given_1",
        ),
    ]
    for _text, href in listed:
        link = urlsplit(href)
        assert link.fragment in ids_on(practitioner_client, f"{link.path}?{link.query}")


def test_blockers_of_a_refused_signature_link_to_the_missing_answer(
    practitioner_client, practitioner
):
    assessment = team_assessment(practitioner, complete_assessment, presenting_needs="")

    response = practitioner_client.post(sign_url(assessment), {"version": assessment.version})

    assert response.status_code == 400
    listed = problems(Tree(response.content.decode()).root)
    assert listed == [
        (
            "Presenting needs: enter the presenting needs",
            f"{section_url(assessment, 'presenting')}?return=check#id_presenting_needs",
        )
    ]


def test_signing_a_page_read_before_someone_saved_asks_to_reload(practitioner_client, practitioner):
    assessment = team_assessment(practitioner, complete_assessment, version=4)

    response = practitioner_client.post(sign_url(assessment), {"version": 3})

    assert response.status_code == 409
    [(text, href)] = problems(Tree(response.content.decode()).root)
    assert href == sign_url(assessment)
    assert "Someone else saved this record" in text
    assessment.refresh_from_db()
    assert assessment.status == "draft"


def test_complete_assessment_has_no_blockers_and_offers_to_sign(practitioner_client, practitioner):
    assessment = team_assessment(practitioner, complete_assessment)

    page = page_of(practitioner_client.get(sign_url(assessment)))

    assert problems(page) == []
    assert "Sign the assessment" in [button.text() for button in page.find_all("button")]


def test_outsider_sees_nothing_of_a_draft_on_the_check_page(outsider_client, practitioner):
    assessment = team_assessment(practitioner, complete_assessment)

    response = outsider_client.get(sign_url(assessment))

    assert response.status_code == 404
    html = response.content.decode()
    assert "Sofa-surfing" not in html
    assert assessment.referral.person.family_name not in html
