"""The task list's state of a step holding a typed draft (issue 15, item 4): only the drafted
section is in progress, only for its author, only while the draft is fresh; read in a fixed
number of queries.
"""

import datetime

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.enums import Role
from assessments.models import FormDraft
from tests.factories import UserFactory

from .check_page import page_of, section_url, sign_url, task_states
from .factories import complete_assessment
from .helpers import team_assessment

pytestmark = pytest.mark.django_db


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
    partly = team_assessment(
        practitioner,
        presenting_needs="Low mood",  # with assessed_on: completed
        mental_health_history="Depression in 2022",  # one of two: in progress
    )
    other = team_assessment(practitioner)
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
    restored = client.get(section_url(partly, "physical_health")).content.decode()
    assert "Draft restored" in restored


def test_saving_the_drafted_section_keeps_its_state_from_the_answers(
    practitioner_client, practitioner
):
    assessment = team_assessment(practitioner)
    _draft(practitioner, assessment, "section-social_needs", housing="Hostel")

    practitioner_client.post(
        section_url(assessment, "social_needs"),
        {"housing": "Hostel", "version": assessment.version},
    )

    assert _states(practitioner_client, assessment)["social_needs"] == "In progress"
    assert not FormDraft.objects.exists()


def test_another_users_draft_does_not_show_in_progress(client, practitioner):
    colleague = UserFactory(role=Role.PRACTITIONER, team=practitioner.team, username="colleague")
    assessment = team_assessment(practitioner)
    _draft(colleague, assessment, "section-trauma_safeguarding", trauma="Not discussed")

    client.force_login(practitioner)
    mine = _states(client, assessment)
    check = page_of(client.get(sign_url(assessment)))
    client.force_login(colleague)
    theirs = _states(client, assessment)

    assert mine["trauma_safeguarding"] == "Not yet started"
    assert check.find(data_unsaved_draft=True) is None
    assert theirs["trauma_safeguarding"] == "In progress"


def test_a_draft_of_another_assessment_does_not_leak(practitioner_client, practitioner):
    first = team_assessment(practitioner)
    second = team_assessment(practitioner)
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
    assessment = team_assessment(practitioner)
    _draft(
        practitioner, assessment, "section-social_needs", saved_at=now - age, housing="Sofa-surfing"
    )

    with time_machine.travel(now, tick=False):
        states = _states(practitioner_client, assessment)
        section = practitioner_client.get(section_url(assessment, "social_needs"))

    assert states["social_needs"] == state
    assert ("Sofa-surfing" in section.content.decode()) is restored


def test_a_completed_section_with_unsaved_typing_is_in_progress_and_flagged_on_check(
    practitioner_client, practitioner
):
    assessment = team_assessment(practitioner, complete_assessment)
    _draft(practitioner, assessment, "section-physical_health", physical_health="")

    states = _states(practitioner_client, assessment)
    check = page_of(practitioner_client.get(sign_url(assessment)))

    assert [key for key, label in states.items() if label != "Completed"] == ["physical_health"]
    assert states["physical_health"] == "In progress"
    flagged = [
        card.attrs["data-check-section"]
        for card in check.find_all("div", data_check_section=True)
        if card.find(data_unsaved_draft=True)
    ]
    assert flagged == ["physical_health"]


def test_an_instrument_draft_shows_in_progress_not_unused(practitioner_client, practitioner):
    assessment = team_assessment(practitioner)
    _draft(practitioner, assessment, "instrument-gad-7", item_1="2")

    page = page_of(practitioner_client.get(assessment.get_absolute_url()))

    assert page.find(id="instrument-gad-7-status").text() == "In progress"
    assert page.find(id="instrument-phq-9-status").text() == "Not used"


def test_task_list_reads_drafts_in_a_fixed_number_of_queries(practitioner_client, practitioner):
    assessment = team_assessment(practitioner)
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
