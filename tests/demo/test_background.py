"""demo.background: statements sent on the connection from a second thread while this one
goes on, in the same transaction, never two at once."""

import pytest
from django.db import IntegrityError, transaction

from assessments.models import OnwardReferral
from demo import background, bulk
from referrals.models import Ethnicity
from tests.assessments.factories import signed_assessment

pytestmark = pytest.mark.django_db

ETHNICITY_COPY = 'COPY referrals_ethnicity (code, name, sort_order, is_active, "group") FROM STDIN'


def _ethnicities(*codes) -> str:
    return "".join(f"{code}\tName {code}\t99\tt\tOther\n" for code in codes)


def test_a_query_sees_what_the_writer_was_given_before_it(postgres):
    before = Ethnicity.objects.count()

    with transaction.atomic(), background.writing_in_background() as writer:
        writer.execute(ETHNICITY_COPY, _ethnicities("demo-a", "demo-b"))
        writer.execute("UPDATE referrals_ethnicity SET name = 'Changed' WHERE code = 'demo-a'")
        during = Ethnicity.objects.count()  # waits for both, then runs
        label = Ethnicity.objects.get(code="demo-a").name

    assert during == before + 2
    assert label == "Changed"


def test_a_failure_in_the_background_is_raised_as_djangos_error(postgres):
    with (
        pytest.raises(IntegrityError),
        transaction.atomic(),
        background.writing_in_background() as writer,
    ):
        writer.execute(ETHNICITY_COPY, _ethnicities("demo-c", "demo-c"))  # unique code twice

    assert not Ethnicity.objects.filter(code="demo-c").exists()


def test_the_block_waits_for_the_writer_when_the_caller_fails(postgres):
    with (
        pytest.raises(ZeroDivisionError),
        transaction.atomic(),
        background.writing_in_background() as writer,
    ):
        writer.execute(ETHNICITY_COPY, _ethnicities("demo-d"))
        1 / 0  # noqa: B018 - the caller's own failure, raised once the writer is done

    assert background.active() is None
    assert not Ethnicity.objects.filter(code="demo-d").exists()  # rolled back with the rest


def test_loading_copies_in_the_background_and_built_restores_a_table_early(postgres):
    assessment = signed_assessment()
    row = (assessment.referral_id, "gp", "2026-03-01", "Support.", "pending")
    fields = ["referral_id", "service", "referred_on", "reason", "outcome", "recorded_by_id"]

    with transaction.atomic(), bulk.indexes_built_after(OnwardReferral):
        bulk.insert_rows(OnwardReferral, fields, [(*row, assessment.started_by_id)])
        bulk.built(OnwardReferral)
        written = OnwardReferral.objects.filter(referral=assessment.referral).count()
        indexes = _index_count(OnwardReferral._meta.db_table)

    assert written == 1
    assert indexes == _index_count(OnwardReferral._meta.db_table) > 1


def _index_count(table: str) -> int:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_indexes WHERE tablename = %s", [table])
        return cursor.fetchone()[0]
