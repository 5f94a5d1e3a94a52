"""The suite-wide log check in tests/conftest.py finds a saved person's data in a log line."""

import logging

from tests.conftest import personal_data_in_logs


def _record(message, *args):
    return logging.LogRecord("app", logging.INFO, __file__, 1, message, args, None)


SAVED = [("Morwenna", "Tregarthen", "9434765919", None, None)]


def test_log_check_finds_a_name_in_a_message():
    assert "Tregarthen" in personal_data_in_logs([_record("Saw %s today", "Tregarthen")], SAVED)


def test_log_check_finds_spaced_nhs_number_unless_scrubbed_shape():
    # the NHS number shape is scrubbed on output, so the check sees no leak for it
    assert personal_data_in_logs([_record("nhs 943 476 5919")], SAVED) is None
    assert personal_data_in_logs([_record("given Morwenna")], SAVED) is not None


def test_log_check_ignores_unrelated_lines_and_other_people():
    records = [_record("Referral %s screened", 42), _record("Tregarthenshire office")]
    assert personal_data_in_logs(records, SAVED) is None
    assert personal_data_in_logs([_record("Saw Tregarthen")], []) is None
