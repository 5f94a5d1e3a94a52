"""Who may ask for, watch and download a record-level return, and the audit of downloads.

Commissioners for the whole area and team leads for their own team (the policy's
record-level return cells, granted apart from the dashboards); a practitioner or a probation
officer 403; someone else's return 404.
"""

import datetime
import io

import pytest
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from accounts.enums import AuditAction, Role
from accounts.models import AuditEvent
from accounts.policy import POLICY, Kind
from config.celery import app
from reporting.models import ReturnRequest, ReturnScope, ReturnState
from tests.factories import UserFactory


@pytest.fixture(autouse=True)
def eager_private_storage(settings, tmp_path, monkeypatch):
    settings.MEDIA_ROOT = str(tmp_path / "private")
    monkeypatch.setitem(app.conf, "task_always_eager", True)


def _client(user):
    client = Client()
    client.force_login(user)
    return client


def _ask(client, capture, start="1/9/2026", end="30/9/2026"):
    with capture(execute=True):
        return client.post(
            reverse("reporting:return_list"), {"period_start": start, "period_end": end}
        )


@pytest.mark.parametrize("role", [Role.PRACTITIONER, Role.PROBATION_OFFICER, Role.ADMINISTRATOR])
def test_roles_without_the_export_are_refused(pathway_data, role):
    client = _client(UserFactory(role=role, team=pathway_data.team_a))

    assert client.get(reverse("reporting:return_list")).status_code == 403
    assert client.post(reverse("reporting:return_list"), {}).status_code == 403
    assert not ReturnRequest.objects.exists()


def test_the_return_is_granted_apart_from_the_dashboards(pathway_data, commissioner, monkeypatch):
    """An organisation may give a role the dashboards and their exports without the rows:
    the return's own policy cell refuses it, and the dashboard no longer offers the link."""
    lead = UserFactory(role=Role.TEAM_LEAD, team=pathway_data.team_a)
    for user in (commissioner, lead):
        page = _client(user).get(reverse("reporting:dashboard")).content.decode()
        assert "Ask for a record-level return" in page
    monkeypatch.delitem(POLICY[Role.TEAM_LEAD], Kind.RECORD_RETURN)
    client = _client(lead)

    assert client.get(reverse("reporting:return_list")).status_code == 403
    assert client.get(reverse("reporting:export_workbook")).status_code == 200
    page = client.get(reverse("reporting:dashboard"))
    assert page.status_code == 200
    assert "Ask for a record-level return" not in page.content.decode()
    assert (
        "record-level return"
        in _client(commissioner).get(reverse("reporting:dashboard")).content.decode()
    )


def test_a_commissioner_asks_for_the_area_and_downloads_it_audited(
    pathway_data, commissioner, commissioner_client, django_capture_on_commit_callbacks
):
    response = _ask(commissioner_client, django_capture_on_commit_callbacks)

    ret = ReturnRequest.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("reporting:return_detail", args=[ret.pk])
    assert (ret.scope, ret.team, ret.state, ret.rows) == (
        ReturnScope.AREA,
        None,
        ReturnState.READY,
        9,
    )
    page = commissioner_client.get(response["Location"]).content.decode()
    assert "Download record-level-return_area_2026-09-01_to_2026-09-30.xlsx" in page
    assert "return-progress.js" in page and "<script>" not in page
    progress = commissioner_client.get(reverse("reporting:return_progress", args=[ret.pk])).json()
    assert progress == {
        "state": "ready",
        "state_label": "Ready to download",
        "progress": 100,
        "rows": 9,
        "finished": True,
    }

    download = commissioner_client.get(reverse("reporting:return_download", args=[ret.pk]))

    assert download.status_code == 200
    assert download["Cache-Control"] == "no-store, private"
    assert download["Content-Disposition"] == (
        'attachment; filename="record-level-return_area_2026-09-01_to_2026-09-30.xlsx"'
    )
    workbook = load_workbook(io.BytesIO(b"".join(download.streaming_content)))
    assert workbook.sheetnames == ["Return", "Data dictionary"]
    event = AuditEvent.objects.filter(action=AuditAction.EXPORT, user=commissioner).get()
    assert event.object_type == "reporting.returnrequest"
    assert event.detail == f"record-level return {ret.pk}: area 2026-09-01 to 2026-09-30, 9 rows"


def test_a_team_lead_gets_only_their_own_team(
    pathway_data, fenland_lead_client, django_capture_on_commit_callbacks
):
    _ask(fenland_lead_client, django_capture_on_commit_callbacks, "1/8/2026", "22/11/2026")

    ret = ReturnRequest.objects.get()
    # Fenland's 22 referrals of August to November; Norwich's 3 veterans are not in it.
    assert (ret.scope, ret.team, ret.rows) == (ReturnScope.TEAM, pathway_data.team_a, 22)


def test_someone_elses_return_is_not_found(
    pathway_data, commissioner_client, django_capture_on_commit_callbacks
):
    _ask(commissioner_client, django_capture_on_commit_callbacks)
    ret = ReturnRequest.objects.get()
    other_commissioner = _client(UserFactory(role=Role.COMMISSIONER, team=None))
    fenland_lead = _client(UserFactory(role=Role.TEAM_LEAD, team=pathway_data.team_a))

    for client in (other_commissioner, fenland_lead):
        for name in ("return_detail", "return_progress", "return_download"):
            assert client.get(reverse(f"reporting:{name}", args=[ret.pk])).status_code == 404
    assert not AuditEvent.objects.filter(action=AuditAction.EXPORT).exists()


def test_a_lead_moved_to_another_team_no_longer_reaches_the_old_teams_return(
    pathway_data, django_capture_on_commit_callbacks
):
    lead = UserFactory(role=Role.TEAM_LEAD, team=pathway_data.team_a)
    _ask(_client(lead), django_capture_on_commit_callbacks)
    ret = ReturnRequest.objects.get()
    lead.team = pathway_data.team_b
    lead.save()

    response = _client(lead).get(reverse("reporting:return_download", args=[ret.pk]))

    assert response.status_code == 404


def test_exactly_12_months_is_allowed_on_the_page(
    pathway_data, commissioner_client, django_capture_on_commit_callbacks
):
    response = _ask(
        commissioner_client, django_capture_on_commit_callbacks, "10/9/2025", "9/9/2026"
    )

    assert response.status_code == 302
    assert ReturnRequest.objects.get().period_end == datetime.date(2026, 9, 9)


def test_a_period_one_day_over_12_months_is_refused_on_the_page(
    pathway_data, commissioner_client, django_capture_on_commit_callbacks
):
    response = _ask(
        commissioner_client, django_capture_on_commit_callbacks, "10/9/2025", "10/9/2026"
    )

    assert response.status_code == 400
    assert (
        "A return covers at most 12 months: from 10 September 2025 the period may end on 9 September 2026 at the latest"
        in response.content.decode()
    )
    assert not ReturnRequest.objects.exists()


def test_an_expired_return_cannot_be_downloaded(
    pathway_data, commissioner_client, django_capture_on_commit_callbacks
):
    _ask(commissioner_client, django_capture_on_commit_callbacks)
    ret = ReturnRequest.objects.get()
    ReturnRequest.objects.filter(pk=ret.pk).update(state=ReturnState.EXPIRED, stored_name="")

    response = commissioner_client.get(reverse("reporting:return_download", args=[ret.pk]))

    assert response.status_code == 404


def test_a_return_being_built_shows_its_progress_bar_to_poll(pathway_data, commissioner):
    ret = ReturnRequest.objects.create(
        requester=commissioner,
        scope=ReturnScope.AREA,
        period_start=datetime.date(2026, 9, 1),
        period_end=datetime.date(2026, 9, 30),
        state=ReturnState.RUNNING,
        progress=40,
        rows=200,
    )
    client = _client(commissioner)

    page = client.get(reverse("reporting:return_detail", args=[ret.pk])).content.decode()
    status = client.get(reverse("reporting:return_progress", args=[ret.pk])).json()

    progress_url = reverse("reporting:return_progress", args=[ret.pk])
    assert f'data-return-progress="{progress_url}" data-finished="false"' in page
    assert '<progress class="app-return-progress" id="return-bar" max="100" value="40">' in page
    assert "Being built" in page and "40</span>% (200 rows so far)" in page
    assert "return-download" not in page
    assert status == {
        "state": "running",
        "state_label": "Being built",
        "progress": 40,
        "rows": 200,
        "finished": False,
    }


def test_people_restricted_from_the_requester_are_left_out_and_counted(
    pathway_data, django_capture_on_commit_callbacks
):
    from referrals.enums import RecordAccessKind
    from referrals.restrictions import access_entry_add

    lead = UserFactory(role=Role.TEAM_LEAD, team=pathway_data.team_a)
    other_lead = UserFactory(role=Role.TEAM_LEAD, team=pathway_data.team_a)
    september = [r for r in pathway_data.referrals if r.received_at.month == 9]
    access_entry_add(
        person=september[0].person,
        user=lead,
        kind=RecordAccessKind.EXCLUDED,
        reason="Knows the person",
        by=other_lead,
    )

    _ask(_client(lead), django_capture_on_commit_callbacks)
    _ask(_client(other_lead), django_capture_on_commit_callbacks)

    mine, theirs = (ReturnRequest.objects.get(requester=u) for u in (lead, other_lead))
    assert (mine.rows, mine.withheld) == (8, 1)
    assert (theirs.rows, theirs.withheld) == (9, 0)
    page = _client(lead).get(reverse("reporting:return_detail", args=[mine.pk])).content.decode()
    assert "1 referral of people whose records are restricted from you is left out." in page
