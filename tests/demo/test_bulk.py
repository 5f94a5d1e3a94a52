"""Bulk loading for the demo and benchmark data (demo.bulk).

The COPY path runs on PostgreSQL (CI sets DATABASE_URL); the bulk_create path is the one
SQLite takes, forced here on any database by pretending not to be on PostgreSQL.
"""

import datetime

import pytest
from django.core.management import call_command
from django.db import IntegrityError, connection, transaction
from django.urls import reverse
from django.utils import timezone

from assessments.models import Assessment, Consent, InstrumentResponse, OnwardReferral
from demo import bulk
from tests.assessments.factories import signed_assessment
from treatment_requirements.models import Order

pytestmark = pytest.mark.django_db

AWKWARD_TEXT = 'Said "no" twice.\tThen: C:\\Users\\x\nsecond line; Siân, Łukasz \\N'


@pytest.fixture(params=["copy", "bulk_create"])
def load_path(request, monkeypatch):
    if request.param == "copy":
        request.getfixturevalue("postgres")
    else:
        monkeypatch.setattr(bulk, "is_postgresql", lambda: False)
    return request.param


def test_insert_rows_values_read_back_unchanged(load_path):
    assessment = signed_assessment()
    by = assessment.started_by
    when = timezone.now().replace(microsecond=0)
    [response_id] = bulk.reserve_ids(InstrumentResponse, 1)
    [consent_id] = bulk.reserve_ids(Consent, 1)

    written = bulk.insert_rows(
        InstrumentResponse,
        ["id", "person_id", "assessment_id", "code", "answers", "is_complete", "total", "band"]
        + ["flags", "completed_at", "recorded_by_id"],
        [
            (response_id, assessment.referral.person_id, assessment.pk, "DAST-10")
            + ([1, 0, 1, 1, 0, 0, 1, 0, 0, 1], True, 5, "moderate", ["injecting"], when, by.pk)
        ],
    )
    bulk.insert_rows(
        Consent,
        ["id", "referral_id", "kind", "given", "given_on", "notes", "recorded_by_id"]
        + ["withdrawn_on"],
        [
            (
                consent_id,
                assessment.referral_id,
                "to_share",
                True,
                datetime.date(2026, 3, 1),
                AWKWARD_TEXT,
                by.pk,
                None,
            )
        ],
    )

    response = InstrumentResponse.objects.get(pk=response_id)
    consent = Consent.objects.get(pk=consent_id)
    assert written == 1
    assert response.answers == [1, 0, 1, 1, 0, 0, 1, 0, 0, 1]
    assert response.flags == ["injecting"]
    assert (response.code, response.total, response.completed_at) == ("DAST-10", 5, when)
    assert response.created_at is not None and response.updated_at is not None
    assert consent.notes == AWKWARD_TEXT
    assert consent.withdrawn_on is None
    # Fields left out get their defaults, as a model save would give them.
    assert consent.share_with_police is False
    assert consent.recorded_at is not None


def test_bulk_insert_gives_each_instance_its_id(load_path):
    assessment = signed_assessment()
    consents = [
        Consent(
            referral=assessment.referral,
            kind=kind,
            given=True,
            given_on=datetime.date(2026, 3, 1),
            recorded_by=assessment.started_by,
        )
        for kind in ["to_be_assessed", "to_share"]
    ]

    bulk.bulk_insert(Consent, consents)

    kinds = dict(Consent.objects.filter(pk__in=[c.pk for c in consents]).values_list("pk", "kind"))
    assert [kinds[c.pk] for c in consents] == ["to_be_assessed", "to_share"]


def _schema(table: str) -> tuple[list, list]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexdef FROM pg_indexes WHERE tablename = %s ORDER BY 1", [table])
        indexes = cursor.fetchall()
        cursor.execute(
            "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
            "WHERE conrelid = %s::regclass ORDER BY 1",
            [table],
        )
        return indexes, cursor.fetchall()


def _onward_row(assessment, referral_id):
    day = datetime.date(2026, 3, 1)
    by = assessment.started_by_id
    return (referral_id, "gp", day, "Support identified at assessment.", "pending", by)


ONWARD_FIELDS = ["referral_id", "service", "referred_on", "reason", "outcome", "recorded_by_id"]


def test_indexes_built_after_loading_are_the_same_indexes_and_constraints(postgres):
    assessment = signed_assessment()
    table = OnwardReferral._meta.db_table
    before = _schema(table)

    with transaction.atomic(), bulk.indexes_built_after(OnwardReferral, Assessment):
        during = _schema(table)
        bulk.insert_rows(
            OnwardReferral, ONWARD_FIELDS, [_onward_row(assessment, assessment.referral_id)]
        )

    assert _schema(table) == before
    assert during != before  # the empty table was loaded without its indexes
    assert OnwardReferral.objects.get().referral == assessment.referral


def test_indexes_built_after_still_rejects_a_row_with_no_parent(postgres):
    assessment = signed_assessment()
    table = OnwardReferral._meta.db_table
    before = _schema(table)
    missing_referral = assessment.referral_id + 1000

    rows = [_onward_row(assessment, missing_referral)]

    with (
        pytest.raises(IntegrityError),
        transaction.atomic(),
        bulk.indexes_built_after(OnwardReferral),
    ):
        bulk.insert_rows(OnwardReferral, ONWARD_FIELDS, rows)

    assert not OnwardReferral.objects.exists()
    assert _schema(table) == before


def test_indexes_built_after_filled_too_rebuilds_a_table_holding_rows(postgres):
    first, second = signed_assessment(), signed_assessment()
    bulk.insert_rows(OnwardReferral, ONWARD_FIELDS, [_onward_row(first, first.referral_id)])
    table = OnwardReferral._meta.db_table
    before = _schema(table)

    with transaction.atomic(), bulk.indexes_built_after(OnwardReferral, filled_too=True):
        during = _schema(table)
        OnwardReferral.objects.update(referral_id=second.referral_id)

    assert during != before  # dropped although the table held a row
    assert _schema(table) == before
    assert OnwardReferral.objects.get().referral == second.referral


def test_indexes_built_once_after_keeps_the_foreign_keys_and_builds_the_rest_at_the_end(postgres):
    table = OnwardReferral._meta.db_table
    indexes_before, constraints_before = _schema(table)

    with bulk.indexes_built_once_after(OnwardReferral) as deferred:
        indexes_during, constraints_during = _schema(table)

    assert deferred is True
    assert _schema(table) == (indexes_before, constraints_before)
    assert len(indexes_before) > 1
    assert indexes_during == [i for i in indexes_before if "_pkey ON" in i[0]]
    assert [c for c in constraints_during if "FOREIGN KEY" in c[1]] == [
        c for c in constraints_before if "FOREIGN KEY" in c[1]
    ]


def test_indexes_built_once_after_builds_them_again_when_the_block_fails(postgres):
    table = OnwardReferral._meta.db_table
    before = _schema(table)

    with pytest.raises(ZeroDivisionError), bulk.indexes_built_once_after(OnwardReferral):
        1 / 0  # noqa: B018 - the failure to recover from

    assert _schema(table) == before


def test_indexes_built_once_after_leaves_a_table_holding_rows_alone(postgres):
    assessment = signed_assessment()
    bulk.insert_rows(
        OnwardReferral, ONWARD_FIELDS, [_onward_row(assessment, assessment.referral_id)]
    )
    before = _schema(OnwardReferral._meta.db_table)

    with bulk.indexes_built_once_after(OnwardReferral) as deferred:
        during = _schema(OnwardReferral._meta.db_table)

    assert deferred is False
    assert during == before


def test_reserve_ids_are_new_distinct_and_ascending(postgres):
    signed_assessment()

    ids = bulk.reserve_ids(Consent, 5)
    later = bulk.reserve_ids(Consent, 3)

    assert ids == sorted(set(ids)) and len(ids) == 5
    assert later == sorted(set(later)) and min(later) > max(ids)


def test_reserve_ids_when_the_sequence_hands_out_ids_with_gaps(postgres):
    # As when another session takes ids meanwhile: not a range from the lowest to the highest.
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_get_serial_sequence('assessments_consent', 'id')")
        (sequence,) = cursor.fetchone()
        cursor.execute(f"ALTER SEQUENCE {sequence} INCREMENT BY 3")
        try:
            ids = bulk.reserve_ids(Consent, 4)
        finally:
            cursor.execute(f"ALTER SEQUENCE {sequence} INCREMENT BY 1")

    assert len(ids) == 4
    assert [b - a for a, b in zip(ids, ids[1:], strict=False)] == [3, 3, 3]


def test_plain_rows_start_with_a_model_instances_defaults():
    from referrals.models import Person, PersonContact, Referral

    for model in (Person, Referral, PersonContact):
        row = bulk.plain_row_class(model)(given_name="Ann")
        instance = model(given_name="Ann") if model is Person else model()

        assert {a: getattr(row, a) for a in row.defaults if a != "given_name"} == {
            a: getattr(instance, a) for a in row.defaults if a != "given_name"
        }
    assert bulk.plain_row_class(Person)(given_name="Ann").given_name == "Ann"


def test_seeded_assessment_and_order_pages_render(postgres, client):
    call_command("seed_demo", referrals=150, seed=7, verbosity=0)
    order = Order.objects.filter(appointments__isnull=False).first()
    assessment = order.recommendation.assessment
    response = assessment.instrument_responses.first()

    client.force_login(assessment.started_by)
    assessment_page = client.get(reverse("assessments:assessment_detail", args=[assessment.pk]))
    client.force_login(order.responsible_officer)
    order_page = client.get(reverse("treatment_requirements:order_detail", args=[order.pk]))

    assert assessment_page.status_code == 200
    assert f"{response.total} of" in assessment_page.content.decode()
    assert order_page.status_code == 200
    assert order.reference in order_page.content.decode()
    assert f"Appointments ({order.appointments.count()})" in order_page.content.decode()
