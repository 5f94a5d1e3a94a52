"""Administrators see each reporting run (started, finished, rows, error) in the admin."""

import datetime

import pytest
from django.urls import reverse

from reporting.models import ReportingRun, RunStatus

pytestmark = pytest.mark.django_db


def test_reporting_runs_are_listed_for_administrators(admin_client):
    run = ReportingRun.objects.create(
        snapshot_date=datetime.date(2026, 11, 22),
        status=RunStatus.FAILED,
        rows_written=0,
        error="RuntimeError: disk full",
    )

    response = admin_client.get(reverse("admin:reporting_reportingrun_changelist"))

    assert response.status_code == 200
    assert reverse("admin:reporting_reportingrun_change", args=[run.pk]) in response.text
    assert '<td class="field-status">Failed</td>' in response.text


def test_reporting_runs_cannot_be_edited_in_the_admin(admin_client):
    run = ReportingRun.objects.create(snapshot_date=datetime.date(2026, 11, 22))

    response = admin_client.post(
        reverse("admin:reporting_reportingrun_change", args=[run.pk]),
        {"snapshot_date": "2020-01-01"},
    )

    run.refresh_from_db()
    assert response.status_code == 403
    assert run.snapshot_date == datetime.date(2026, 11, 22)


def test_reporting_runs_hidden_from_practitioners(practitioner_client):
    response = practitioner_client.get(reverse("admin:reporting_reportingrun_changelist"))

    assert response.status_code == 302
