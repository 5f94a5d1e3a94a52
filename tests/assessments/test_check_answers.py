"""The check-and-sign page (GOV.UK "check answers") and the task list's state of a step
holding a typed draft (issue 15, item 4)."""

import datetime
from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.enums import Role
from assessments.enums import ConsentKind, Indicator, RiskLevel
from assessments.models import FormDraft
from assessments.sections import SECTIONS
from tests.factories import UserFactory

from .factories import (
    AssessmentFactory,
    InstrumentResponseFactory,
    complete_assessment,
)

pytestmark = pytest.mark.django_db

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source"}


class Node:
    def __init__(self, tag, attrs, parent=None):
        self.tag, self.attrs, self.parent, self.children = tag, dict(attrs), parent, []

    def text(self) -> str:
        parts = [c if isinstance(c, str) else c.text() for c in self.children]
        return " ".join(" ".join(parts).split())

    def iter(self):
        for child in self.children:
            if isinstance(child, Node):
                yield child
                yield from child.iter()

    def find_all(self, tag=None, **attrs):
        return [
            node
            for node in self.iter()
            if (tag is None or node.tag == tag)
            and all(
                (value is True and key in node.attrs)
                or (value is not True and value in (node.attrs.get(key) or "").split())
                for key, value in ((k.rstrip("_").replace("_", "-"), v) for k, v in attrs.items())
            )
        ]

    def find(self, tag=None, **attrs):
        found = self.find_all(tag, **attrs)
        return found[0] if found else None


class Tree(HTMLParser):
    def __init__(self, html):
        super().__init__()
        self.root = self.current = Node("root", {})
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        node = Node(tag, attrs, self.current)
        self.current.children.append(node)
        if tag not in VOID:
            self.current = node

    def handle_endtag(self, tag):
        node = self.current
        while node is not self.root and node.tag != tag:
            node = node.parent
        if node is not self.root:
            self.current = node.parent

    def handle_data(self, data):
        self.current.children.append(data)


def page_of(response) -> Node:
    assert response.status_code == 200, response.status_code
    return Tree(response.content.decode()).root


def ids_on(client, url) -> set[str]:
    return {node.attrs["id"] for node in page_of(client.get(url)).iter() if "id" in node.attrs}


def cards(page) -> dict[str, dict[str, dict]]:
    """Section key -> question -> {answer, change link, hidden words of the link}."""
    found = {}
    for card in page.find_all("div", data_check_section=True):
        rows = {}
        for row in card.find_all("div", class_="govuk-summary-list__row"):
            link = row.find("a")
            hidden = link.find("span", class_="govuk-visually-hidden")
            rows[row.find("dt").text()] = {
                "answer": row.find("dd", class_="govuk-summary-list__value").text(),
                "href": link.attrs["href"],
                "link_text": link.text(),
                "hidden": hidden.text(),
            }
        found[card.attrs["data-check-section"]] = rows
    return found


def problems(page) -> list[tuple[str, str]]:
    listed = page.find("ul", data_sign_problems=True)
    return [(a.text(), a.attrs["href"]) for a in listed.find_all("a")] if listed else []


def task_states(page) -> dict[str, str]:
    return {
        section.key: page.find(id=f"section-{section.key}-status").text() for section in SECTIONS
    }


def _team_assessment(practitioner, factory=AssessmentFactory, **kwargs):
    return factory(
        referral__person__team=practitioner.team,
        referral__person__created_by=practitioner,
        **kwargs,
    )


def _sign_url(assessment):
    return reverse("assessments:sign", args=[assessment.pk])


def _section_url(assessment, key):
    return reverse("assessments:section", args=[assessment.pk, key])


# The check page ----------------------------------------------------------------------


def test_check_page_shows_every_section_with_answers_as_labels(practitioner_client, practitioner):
    assessment = _team_assessment(practitioner, complete_assessment)

    shown = cards(page_of(practitioner_client.get(_sign_url(assessment))))

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
    assessment = _team_assessment(
        practitioner,
        assessed_on=None,
        drug_use="Heroin, daily",
        autism=Indicator.DIAGNOSED,
        risk_level=RiskLevel.HIGH,
    )

    shown = cards(page_of(practitioner_client.get(_sign_url(assessment))))

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
    assessment = _team_assessment(practitioner, factory)
    shown = cards(page_of(practitioner_client.get(_sign_url(assessment))))
    pages = {}

    for key, rows in shown.items():
        for question, row in rows.items():
            link = urlsplit(row["href"])
            assert (link.path, link.query) == (_section_url(assessment, key), "return=check")
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
    assessment = _team_assessment(practitioner)
    url = f"{_section_url(assessment, 'physical_health')}?return=check"

    page = page_of(practitioner_client.get(url))
    response = practitioner_client.post(
        url, {"physical_health": "Asthma", "version": assessment.version}
    )

    assert page.find("a", class_="govuk-back-link").attrs["href"] == _sign_url(assessment)
    assert response.status_code == 302
    assert response.url == _sign_url(assessment)
    shown = cards(page_of(practitioner_client.get(response.url)))
    assert shown["physical_health"]["Physical health"]["answer"] == "Asthma"


def test_check_page_shows_instrument_scores_and_bands(practitioner_client, practitioner):
    assessment = _team_assessment(practitioner)
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

    page = page_of(practitioner_client.get(_sign_url(assessment)))

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
    assessment = _team_assessment(practitioner)

    page = page_of(practitioner_client.get(_sign_url(assessment)))

    assert page.find("div", data_check_section="instruments") is None


def test_blockers_link_to_the_missing_answer(practitioner_client, practitioner):
    assessment = _team_assessment(
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

    listed = problems(page_of(practitioner_client.get(_sign_url(assessment))))

    consent = reverse("assessments:consent_record", args=[assessment.referral_id])
    audit = reverse("assessments:instrument", args=[assessment.pk, "audit"])
    assert listed == [
        (
            "Learning disability, autism and ADHD: select the ADHD",
            f"{_section_url(assessment, 'neurodevelopmental')}?return=check#id_adhd_1",
        ),
        (
            "Trauma and safeguarding: enter the safeguarding",
            f"{_section_url(assessment, 'trauma_safeguarding')}?return=check#id_safeguarding",
        ),
        (
            "Formulation and care threshold: select the mental-health care threshold",
            f"{_section_url(assessment, 'formulation')}?return=check#id_care_threshold_1",
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
    assessment = _team_assessment(practitioner, complete_assessment, presenting_needs="")

    response = practitioner_client.post(_sign_url(assessment), {"version": assessment.version})

    assert response.status_code == 400
    listed = problems(Tree(response.content.decode()).root)
    assert listed == [
        (
            "Presenting needs: enter the presenting needs",
            f"{_section_url(assessment, 'presenting')}?return=check#id_presenting_needs",
        )
    ]


def test_signing_a_page_read_before_someone_saved_asks_to_reload(practitioner_client, practitioner):
    assessment = _team_assessment(practitioner, complete_assessment, version=4)

    response = practitioner_client.post(_sign_url(assessment), {"version": 3})

    assert response.status_code == 409
    [(text, href)] = problems(Tree(response.content.decode()).root)
    assert href == _sign_url(assessment)
    assert "Someone else saved this record" in text
    assessment.refresh_from_db()
    assert assessment.status == "draft"


def test_complete_assessment_has_no_blockers_and_offers_to_sign(practitioner_client, practitioner):
    assessment = _team_assessment(practitioner, complete_assessment)

    page = page_of(practitioner_client.get(_sign_url(assessment)))

    assert problems(page) == []
    assert "Sign the assessment" in [button.text() for button in page.find_all("button")]


def test_outsider_sees_nothing_of_a_draft_on_the_check_page(outsider_client, practitioner):
    assessment = _team_assessment(practitioner, complete_assessment)

    response = outsider_client.get(_sign_url(assessment))

    assert response.status_code == 404
    html = response.content.decode()
    assert "Sofa-surfing" not in html
    assert assessment.referral.person.family_name not in html


# The task list after a draft ----------------------------------------------------------


def _states(client, assessment) -> dict[str, str]:
    return task_states(page_of(client.get(assessment.get_absolute_url())))


def _draft(user, assessment, step, saved_at=None, **data):
    return FormDraft.objects.create(
        user=user,
        referral=assessment.referral,
        step=step,
        data={key: [value] for key, value in data.items()},
        saved_at=saved_at or timezone.now(),
    )


def test_restored_draft_marks_only_its_section_in_progress(client, practitioner):
    partly = _team_assessment(
        practitioner,
        presenting_needs="Low mood",  # with assessed_on: completed
        mental_health_history="Depression in 2022",  # one of two: in progress
    )
    other = _team_assessment(practitioner)
    client.force_login(practitioner)
    autosave = reverse("assessments:autosave", args=[partly.referral_id, "section-physical_health"])
    assert client.post(autosave, {"physical_health": "Asthma"}).status_code == 200

    client.post(reverse("accounts:logout"))
    client.force_login(practitioner)

    assert _states(client, partly) == {
        "presenting": "Completed",
        "mental_health": "In progress",
        "substance_use": "Not yet started",
        "neurodevelopmental": "Not yet started",
        "physical_health": "In progress",
        "trauma_safeguarding": "Not yet started",
        "social_needs": "Not yet started",
        "risk": "Not yet started",
        "formulation": "Not yet started",
    }
    started = {
        key: label for key, label in _states(client, other).items() if label != "Not yet started"
    }
    assert started == {"presenting": "In progress"}  # its date of assessment only
    restored = client.get(_section_url(partly, "physical_health")).content.decode()
    assert "Draft restored" in restored


def test_saving_the_drafted_section_keeps_its_state_from_the_answers(
    practitioner_client, practitioner
):
    assessment = _team_assessment(practitioner)
    _draft(practitioner, assessment, "section-social_needs", housing="Hostel")

    practitioner_client.post(
        _section_url(assessment, "social_needs"),
        {"housing": "Hostel", "version": assessment.version},
    )

    assert _states(practitioner_client, assessment)["social_needs"] == "In progress"
    assert not FormDraft.objects.exists()


def test_another_users_draft_does_not_show_in_progress(client, practitioner):
    colleague = UserFactory(role=Role.PRACTITIONER, team=practitioner.team, username="colleague")
    assessment = _team_assessment(practitioner)
    _draft(colleague, assessment, "section-trauma_safeguarding", trauma="Not discussed")

    client.force_login(practitioner)
    mine = _states(client, assessment)
    check = page_of(client.get(_sign_url(assessment)))
    client.force_login(colleague)
    theirs = _states(client, assessment)

    assert mine["trauma_safeguarding"] == "Not yet started"
    assert check.find(data_unsaved_draft=True) is None
    assert theirs["trauma_safeguarding"] == "In progress"


def test_a_draft_of_another_assessment_does_not_leak(practitioner_client, practitioner):
    first = _team_assessment(practitioner)
    second = _team_assessment(practitioner)
    _draft(practitioner, first, "section-risk", risk_to_self="Passive thoughts")

    assert _states(practitioner_client, first)["risk"] == "In progress"
    assert _states(practitioner_client, second)["risk"] == "Not yet started"


@pytest.mark.parametrize(
    ("age", "state", "restored"),
    [
        (datetime.timedelta(days=89, hours=23), "In progress", True),
        (datetime.timedelta(days=90), "In progress", True),  # kept by housekeeping too
        (datetime.timedelta(days=90, seconds=1), "Not yet started", False),
    ],
)
def test_an_expired_draft_is_neither_in_progress_nor_restored(
    practitioner_client, practitioner, settings, age, state, restored
):
    settings.LD_DRAFT_EXPIRY_DAYS = 90
    now = timezone.now()
    assessment = _team_assessment(practitioner)
    _draft(
        practitioner, assessment, "section-social_needs", saved_at=now - age, housing="Sofa-surfing"
    )

    with time_machine.travel(now, tick=False):
        states = _states(practitioner_client, assessment)
        section = practitioner_client.get(_section_url(assessment, "social_needs"))

    assert states["social_needs"] == state
    assert ("Sofa-surfing" in section.content.decode()) is restored


def test_a_completed_section_with_unsaved_typing_is_in_progress_and_flagged_on_check(
    practitioner_client, practitioner
):
    assessment = _team_assessment(practitioner, complete_assessment)
    _draft(practitioner, assessment, "section-physical_health", physical_health="")

    states = _states(practitioner_client, assessment)
    check = page_of(practitioner_client.get(_sign_url(assessment)))

    assert [key for key, label in states.items() if label != "Completed"] == ["physical_health"]
    assert states["physical_health"] == "In progress"
    flagged = [
        card.attrs["data-check-section"]
        for card in check.find_all("div", data_check_section=True)
        if card.find(data_unsaved_draft=True)
    ]
    assert flagged == ["physical_health"]


def test_an_instrument_draft_shows_in_progress_not_unused(practitioner_client, practitioner):
    assessment = _team_assessment(practitioner)
    _draft(practitioner, assessment, "instrument-gad-7", item_1="2")

    page = page_of(practitioner_client.get(assessment.get_absolute_url()))

    assert page.find(id="instrument-gad-7-status").text() == "In progress"
    assert page.find(id="instrument-phq-9-status").text() == "Not used"


def test_task_list_reads_drafts_in_a_fixed_number_of_queries(practitioner_client, practitioner):
    assessment = _team_assessment(practitioner)
    url = assessment.get_absolute_url()
    _draft(practitioner, assessment, "section-risk", risk_to_self="x")
    practitioner_client.get(url)  # the session and the user are read once

    with CaptureQueriesContext(connection) as with_one:
        first = practitioner_client.get(url)
    for key in ("physical_health", "social_needs"):
        _draft(practitioner, assessment, f"section-{key}", text="y")
    with CaptureQueriesContext(connection) as with_three:
        second = practitioner_client.get(url)

    assert len(with_three.captured_queries) == len(with_one.captured_queries)
    before, after = task_states(page_of(first)), task_states(page_of(second))
    drafted = ("risk", "physical_health", "social_needs")
    assert [before[key] for key in drafted] == ["In progress", "Not yet started", "Not yet started"]
    assert [after[key] for key in drafted] == ["In progress"] * 3
