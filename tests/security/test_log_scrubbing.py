import logging
import sys

import pytest

from core.logging import REDACTED, ScrubPersonalDataFilter, scrub


@pytest.mark.parametrize(
    ("text", "secret"),
    [
        ("person 943 476 5919 seen", "943 476 5919"),
        ("nhs 9434765919", "9434765919"),
        ("pnc 2008/0056560Z found", "2008/0056560Z"),
        ("pnc short 79/163001B", "79/163001B"),
        ("cro 265416/21G", "265416/21G"),
        ("cro SF05/482703J", "SF05/482703J"),
        ("mail sam.tester@example.nhs.uk", "sam.tester@example.nhs.uk"),
        ("lives at CB1 2AB", "CB1 2AB"),
    ],
)
def test_scrub_removes_identifier_shapes(text, secret):
    assert secret not in scrub(text)
    assert REDACTED in scrub(text)


@pytest.mark.parametrize(
    "text",
    [
        "Person(given_name='Alex', family_name='Quill')",
        '{"given_name": "Alex", "family_name": "Quill"}',
        "given_name=Alex family_name=Quill",
        "DETAIL: Key (family_name)=(Quill) already exists; given_name: Alex",
    ],
)
def test_scrub_removes_values_of_classified_personal_fields(text):
    scrubbed = scrub(text)

    assert "Alex" not in scrubbed
    assert "Quill" not in scrubbed
    assert "given_name" in scrubbed


def test_scrub_keeps_operational_values():
    text = "referral 42 status=open team=7 took 0.3s"

    assert scrub(text) == text


def _record(msg, args=(), exc_info=None):
    return logging.LogRecord("t", logging.ERROR, __file__, 1, msg, args, exc_info)


def test_filter_scrubs_arguments_and_tracebacks():
    try:
        raise ValueError("duplicate nhs_number=9434765919 for family_name='Quill'")
    except ValueError:
        record = _record("saving %s failed", ("given_name='Alex'",), sys.exc_info())

    ScrubPersonalDataFilter().filter(record)
    output = logging.Formatter().format(record)

    assert "saving given_name='[redacted]' failed" in output
    assert "ValueError" in output
    for secret in ("Alex", "Quill", "9434765919"):
        assert secret not in output


def test_logging_config_scrubs_console_output(caplog):
    handler = logging.getLogger().handlers[0]

    assert any(isinstance(f, ScrubPersonalDataFilter) for f in handler.filters)


def test_a_starting_celery_worker_keeps_the_scrubbing_handlers():
    from config.celery import app

    root = logging.getLogger()
    before = list(root.handlers)
    assert any(
        isinstance(f, ScrubPersonalDataFilter) for handler in before for f in handler.filters
    )
    type(app.log)._setup = False  # as celery.contrib.testing.worker does for each worker
    app.log.setup(loglevel="INFO")

    assert root.handlers == before
