"""The record-level return (issue 19, item 3): one row per referral received in a period,
matching direct counts of the records; pseudonyms stable and keyed; the 12-month cap; the
task's real (eager) path; expiry deleting the file; the download audited."""

import datetime
import hashlib

import pytest
from django.core.exceptions import ValidationError
from django.core.files.storage import storages
from openpyxl import load_workbook

from accounts.classification import AGG, FIELD_CLASSES, OPS
from accounts.enums import Role
from config.celery import app
from notifications.enums import ReminderKind
from notifications.models import Reminder
from referrals.models import Referral
from reporting.models import ReturnRequest, ReturnScope, ReturnState
from reporting.return_build import period_too_long, return_referrals, return_request_create
from reporting.return_columns import BANDED, HEADER, SOURCE_FIELDS, pseudonym
from reporting.tasks import returns_sweep
from tests.factories import UserFactory
from treatment_requirements.models import Appointment, FormalWarning, Order

from .known_data import LONDON

SEPTEMBER = (datetime.date(2026, 9, 1), datetime.date(2026, 9, 30))
OCTOBER_2025 = (datetime.date(2025, 10, 1), datetime.date(2025, 10, 31))


@pytest.fixture(autouse=True)
def eager_private_storage(settings, tmp_path, monkeypatch):
    """Files in a folder of the test's own; tasks run in-process on commit (the eager path)."""
    settings.MEDIA_ROOT = str(tmp_path / "private")
    monkeypatch.setitem(app.conf, "task_always_eager", True)
    return tmp_path / "private"


def _build(user, period, django_capture_on_commit_callbacks, scope=ReturnScope.AREA, team=None):
    with django_capture_on_commit_callbacks(execute=True):
        request = return_request_create(
            user=user, scope=scope, team=team, period_start=period[0], period_end=period[1]
        )
    request.refresh_from_db()
    return request


def _sheets(request):
    with storages["documents"].open(request.stored_name, "rb") as handle:
        workbook = load_workbook(handle, read_only=True)
        sheets = {name: list(workbook[name].values) for name in workbook.sheetnames}
    header, *rows = sheets["Return"]
    return [dict(zip(header, row, strict=True)) for row in rows], sheets["Data dictionary"]


def _in(period):
    start = datetime.datetime.combine(period[0], datetime.time(), tzinfo=LONDON)
    end = datetime.datetime.combine(
        period[1] + datetime.timedelta(days=1), datetime.time(), tzinfo=LONDON
    )
    return {"received_at__gte": start, "received_at__lt": end}


def test_the_return_for_a_seeded_month_matches_direct_counts(
    pathway_data, commissioner, django_capture_on_commit_callbacks
):
    request = _build(commissioner, SEPTEMBER, django_capture_on_commit_callbacks)
    rows, _dictionary = _sheets(request)

    referrals = Referral.objects.filter(**_in(SEPTEMBER))
    orders = Order.objects.filter(referral__in=referrals)
    appointments = Appointment.objects.filter(order__in=orders)
    assert (request.state, request.progress, request.rows) == (ReturnState.READY, 100, 9)
    assert len(rows) == referrals.count() == 9
    assert (
        sum(r["screened_on"] is not None for r in rows)
        == referrals.filter(screened_at__isnull=False).count()
        == 9
    )
    assert sum(r["assessed_on"] is not None for r in rows) == 5
    assert sum(r["recommendation_ready_on"] is not None for r in rows) == 3
    assert sum(r["order_made_on"] is not None for r in rows) == orders.count() == 2
    assert (
        sum(r["appointments_kept"] for r in rows)
        == appointments.filter(outcome="attended_complied").count()
        == 3
    )
    assert sum(r["appointments_missed"] for r in rows) == 1
    assert (
        sum(r["warnings"] for r in rows)
        == FormalWarning.objects.filter(order__in=orders).count()
        == 1
    )
    assert sorted(r["order_end_reason"] or "" for r in rows if r["order_made_on"]) == [
        "",
        "completed",
    ]
    ended = next(r for r in rows if r["order_end_reason"] == "completed")
    assert ended["outcome_measure_change"] == "PHQ-9 improved; GAD-7 no meaningful improvement"
    assert ended["first_appointment_offered_on"].date() == datetime.date(2026, 10, 8)
    assert ended["court_outcome"] == "order_made"
    assert {r["age_band"] for r in rows} == {"18_24"}
    assert {r["team"] for r in rows} == {pathway_data.team_a.name}
    assert {r["rearrested_12m"] for r in rows} == {"not_yet_due"}


def test_rearrest_within_12_months_follows_the_reoffending_rule(
    pathway_data, commissioner, django_capture_on_commit_callbacks
):
    rows, _ = _sheets(_build(commissioner, OCTOBER_2025, django_capture_on_commit_callbacks))

    assert sorted(r["rearrested_12m"] for r in rows) == ["no", "yes"]


def test_no_identifier_free_text_or_staff_column_and_no_identifying_value(
    pathway_data, commissioner, django_capture_on_commit_callbacks
):
    rows, dictionary = _sheets(_build(commissioner, SEPTEMBER, django_capture_on_commit_callbacks))

    forbidden = {
        "name",
        "given_name",
        "family_name",
        "date_of_birth",
        "nhs_number",
        "pnc_id",
        "cro_number",
        "postcode",
        "postcode_district",
        "case_reference",
        "referrer_name",
        "reason",
        "notes",
        "responsible_officer",
        "assigned_to",
        "created_by",
        "officer",
    }
    assert not forbidden & set(HEADER)
    assert not any(
        word in column for column in HEADER for word in ("officer", "postcode", "birth", "name")
    )
    text = repr(rows)
    leaks = [value for value in pathway_data.identifiers if value and str(value) in text]
    assert leaks == []
    assert [row[0] for row in dictionary[1:]] == list(HEADER)
    assert all(all(cell for cell in row[:4]) for row in dictionary[1:])


def test_pseudonyms_are_stable_across_runs_and_change_with_the_key(
    pathway_data, commissioner, settings, django_capture_on_commit_callbacks
):
    first, _ = _sheets(_build(commissioner, SEPTEMBER, django_capture_on_commit_callbacks))
    second, _ = _sheets(_build(commissioner, SEPTEMBER, django_capture_on_commit_callbacks))
    settings.LD_RETURN_PSEUDONYM_KEY = "another-key-of-at-least-thirty-two-characters!"
    third, _ = _sheets(_build(commissioner, SEPTEMBER, django_capture_on_commit_callbacks))

    keys = [r["referral_key"] for r in first]
    assert keys == [r["referral_key"] for r in second]
    assert len(set(keys)) == 9
    assert not set(keys) & {r["referral_key"] for r in third}
    ids = list(
        Referral.objects.filter(**_in(SEPTEMBER))
        .order_by("received_at", "pk")
        .values_list("pk", flat=True)
    )
    # Not a plain hash of the id, which anyone could recompute for every id.
    assert hashlib.sha256(f"referral:{ids[0]}".encode()).hexdigest()[:32] not in keys
    assert [len(key) for key in keys] == [32] * 9
    assert pseudonym("referral", ids[0], b"k1") != pseudonym("referral", ids[0], b"k2")
    assert pseudonym("referral", ids[0], b"k1") != pseudonym("person", ids[0], b"k1")


@pytest.mark.parametrize(
    ("start", "end", "too_long"),
    [
        (datetime.date(2025, 3, 10), datetime.date(2026, 3, 8), False),  # day before the last
        (datetime.date(2025, 3, 10), datetime.date(2026, 3, 9), False),  # exactly 12 months
        (datetime.date(2025, 3, 10), datetime.date(2026, 3, 10), True),  # the anniversary
        (datetime.date(2028, 2, 29), datetime.date(2029, 2, 28), False),
        (datetime.date(2028, 2, 29), datetime.date(2029, 3, 1), True),
    ],
)
def test_the_12_month_cap_ends_the_day_before_the_anniversary(start, end, too_long):
    assert period_too_long(start, end) is too_long


def test_a_period_over_12_months_is_refused_with_a_message(commissioner):
    with pytest.raises(ValidationError) as refused:
        return_request_create(
            user=commissioner,
            scope=ReturnScope.AREA,
            team=None,
            period_start=datetime.date(2025, 3, 10),
            period_end=datetime.date(2026, 3, 10),
        )

    assert refused.value.message_dict["period_end"] == [
        "A return covers at most 12 months: from 10 March 2025 the period may end on "
        "9 March 2026 at the latest"
    ]
    assert not ReturnRequest.objects.exists()


def test_the_requester_is_told_in_their_inbox(
    pathway_data, commissioner, django_capture_on_commit_callbacks
):
    request = _build(commissioner, SEPTEMBER, django_capture_on_commit_callbacks)

    reminder = Reminder.objects.get(recipient=commissioner, kind=ReminderKind.RETURN_READY)
    assert reminder.link == f"/reporting/returns/{request.pk}/"
    assert "ready to download for 7 days" in reminder.title


def test_a_team_lead_return_holds_only_their_team(pathway_data, django_capture_on_commit_callbacks):
    lead = UserFactory(role=Role.TEAM_LEAD, team=pathway_data.team_b)
    period = (datetime.date(2026, 8, 1), datetime.date(2026, 11, 30))
    request = _build(
        lead, period, django_capture_on_commit_callbacks, ReturnScope.TEAM, pathway_data.team_b
    )
    rows, _ = _sheets(request)

    assert (
        len(rows) == Referral.objects.filter(team=pathway_data.team_b, **_in(period)).count() == 4
    )
    assert {r["team"] for r in rows} == {pathway_data.team_b.name}
    assert return_referrals(request).exclude(team=pathway_data.team_b).count() == 0


def test_a_file_past_its_expiry_is_gone(
    pathway_data, commissioner, frozen_clock, django_capture_on_commit_callbacks
):
    kept = _build(commissioner, SEPTEMBER, django_capture_on_commit_callbacks)
    old = _build(commissioner, OCTOBER_2025, django_capture_on_commit_callbacks)
    assert old.expires_at == frozen_clock + datetime.timedelta(days=7)
    # Seven days on, to the microsecond for the old one; the other built a moment later.
    ReturnRequest.objects.filter(pk=old.pk).update(expires_at=frozen_clock)
    one_moment = datetime.timedelta(microseconds=1)
    ReturnRequest.objects.filter(pk=kept.pk).update(expires_at=frozen_clock + one_moment)
    storage = storages["documents"]

    swept = returns_sweep()

    old_file = old.stored_name
    old.refresh_from_db()
    kept.refresh_from_db()
    assert swept == {"expired": 1, "requeued": 0}
    assert (old.state, old.stored_name) == (ReturnState.EXPIRED, "")
    assert not storage.exists(old_file)
    assert kept.state == ReturnState.READY
    assert storage.exists(kept.stored_name)


def test_every_column_reads_only_aggregate_safe_or_operational_fields_or_bands():
    outside = {
        (column, source)
        for column, sources in SOURCE_FIELDS.items()
        for source in sources
        if FIELD_CLASSES[source] not in (AGG, OPS)
    }

    assert set(SOURCE_FIELDS) == set(HEADER)
    assert outside == set(BANDED.items())


def test_the_documented_dictionary_is_the_files():
    from pathlib import Path

    from django.conf import settings

    from reporting.return_columns import COLUMNS

    text = (Path(settings.BASE_DIR) / "docs" / "record-level-return.md").read_text()
    for column in COLUMNS:
        row = f"| `{column.name}` | {column.meaning} | {column.source} | {column.type} |"
        assert row in text, column.name


def test_building_costs_the_same_queries_for_9_rows_as_for_25(pathway_data, commissioner):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from reporting.return_build import _write_rows

    def queries(period):
        request = ReturnRequest.objects.create(
            requester=commissioner,
            scope=ReturnScope.AREA,
            period_start=period[0],
            period_end=period[1],
        )
        with CaptureQueriesContext(connection) as captured:
            rows = _write_rows(request, [])  # a list takes rows as a sheet does
        return rows, len(captured)

    # Both periods hold the orders, appointments and measures (each prefetch runs once).
    three_months = (datetime.date(2026, 8, 1), datetime.date(2026, 10, 31))
    (few, few_queries), (more, more_queries) = queries(SEPTEMBER), queries(three_months)

    assert (few, more) == (9, 25)
    assert few_queries == more_queries


def test_a_build_that_fails_is_marked_failed_and_a_retry_does_nothing(
    pathway_data, commissioner, monkeypatch, django_capture_on_commit_callbacks
):
    from reporting import return_build

    def broken(request, handle):
        raise OSError("disk full")

    monkeypatch.setattr(return_build, "_write_workbook", broken)
    request = _build(commissioner, SEPTEMBER, django_capture_on_commit_callbacks)

    assert (request.state, request.stored_name) == (ReturnState.FAILED, "")
    assert return_build.return_build(request_id=request.pk) is None
    assert not Reminder.objects.filter(kind=ReminderKind.RETURN_READY).exists()
