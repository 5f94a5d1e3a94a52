"""Two saves of the same new instrument at the same moment: the autosave that raises PHQ-9's
self-harm flag and the form's own "Save and continue" reached the server together in a
browser journey, both found no response and both inserted one (a 500)."""

import threading

import pytest
from django.db import connection

from assessments import services
from assessments.models import InstrumentResponse

from .factories import AssessmentFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_two_simultaneous_first_saves_make_one_response(postgres, practitioner):
    assessment = AssessmentFactory()
    start = threading.Barrier(2)
    errors = []

    def save(answers):
        try:
            start.wait(timeout=10)
            services.instrument_save(
                code="PHQ-9", answers=answers, assessment=assessment, by=practitioner
            )
        except Exception as exc:  # noqa: BLE001 - reported below, whatever it is
            errors.append(exc)
        finally:
            connection.close()

    typed = [2, 2, 1, 2, 1, 2, 1, 0, 1]  # the autosave: item 9 raises the flag
    threads = [threading.Thread(target=save, args=(typed,)) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert errors == []
    response = InstrumentResponse.objects.get(assessment=assessment, code="PHQ-9")
    assert (response.total, response.flags) == (12, ["self_harm"])
