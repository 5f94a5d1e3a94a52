"""The backfill of migration 0003: drafts saved before the flag was stored on drafts."""

import datetime
import importlib

import pytest
from django.apps import apps
from django.utils import timezone

from assessments.models import InstrumentResponse

from .factories import AssessmentFactory, InstrumentResponseFactory

pytestmark = pytest.mark.django_db

backfill = importlib.import_module(
    "assessments.migrations.0003_instrument_flags_on_drafts_and_difficulty"
).flag_saved_drafts


def _draft(answers, **kwargs):
    return InstrumentResponseFactory(
        answers=answers,
        is_complete=False,
        total=None,
        band="",
        completed_at=None,
        flags=[],
        self_harm_recorded_at=None,
        **kwargs,
    )


def test_backfill_flags_old_drafts_from_their_answers():
    flagged = _draft([None] * 8 + [2])
    corrected = _draft([1] * 8 + [0])
    empty = _draft([None] * 9)
    gad = _draft([3] * 6 + [None], code="GAD-7")
    done = InstrumentResponseFactory(answers=[0] * 8 + [1], flags=["self_harm"])
    done_at = datetime.datetime(2025, 6, 1, 9, 0, tzinfo=datetime.UTC)
    InstrumentResponse.objects.filter(pk=done.pk).update(
        completed_at=done_at, self_harm_recorded_at=None
    )

    backfill(apps, None)

    rows = {r.pk: r for r in InstrumentResponse.objects.all()}
    assert rows[flagged.pk].flags == ["self_harm"]
    assert rows[flagged.pk].self_harm_recorded_at == rows[flagged.pk].updated_at
    assert (rows[done.pk].flags, rows[done.pk].self_harm_recorded_at) == (["self_harm"], done_at)
    for plain in (corrected, empty, gad):
        assert (rows[plain.pk].flags, rows[plain.pk].self_harm_recorded_at) == ([], None)


def test_backfill_leaves_answers_that_no_longer_fit_alone():
    odd = _draft([None] * 8 + [7], assessment=AssessmentFactory())
    before = timezone.now()

    backfill(apps, None)

    odd.refresh_from_db()
    assert (odd.flags, odd.self_harm_recorded_at) == ([], None)
    assert odd.updated_at <= before
