import sys

import pytest
from django.conf import settings
from django.core import mail
from django.test import RequestFactory, override_settings
from django.utils.log import AdminEmailHandler
from django.views.debug import get_default_exception_reporter_filter

from core.error_reports import PersonalDataSafeExceptionReporter, PersonalDataSafeReporterFilter

# Built at run time so the report's source-code context cannot contain the values.
GIVEN, FAMILY = "Quen" + "tin", "Zebe" + "dee"
NAME = f"{GIVEN} {FAMILY}"
NHS = "94347" + "65919"
COOKIE = "abc123" + "secret"
SECRETS = (GIVEN, FAMILY, NHS, COOKIE)


def _failing_view(request):
    person_name = NAME  # noqa: F841 - a local the traceback would otherwise show
    nhs_number = NHS  # noqa: F841
    raise ValueError(f"could not save nhs_number={NHS}")


def _report(request):
    try:
        _failing_view(request)
    except ValueError:
        exc_info = sys.exc_info()
    reporter = PersonalDataSafeExceptionReporter(request, *exc_info)
    return reporter.get_traceback_text(), reporter.get_traceback_html()


@pytest.fixture
def hostile_request():
    request = RequestFactory().post(
        f"/people/1/edit/?q={NAME.replace(' ', '+')}",
        {"given_name": GIVEN, "family_name": FAMILY, "nhs_number": NHS},
        HTTP_REFERER=f"https://example.test/search?q={NAME}",
        HTTP_COOKIE=f"sessionid={COOKIE}",
    )
    request.COOKIES["sessionid"] = COOKIE
    return request


def test_settings_use_the_personal_data_safe_reporter():
    assert isinstance(get_default_exception_reporter_filter(), PersonalDataSafeReporterFilter)
    assert settings.DEFAULT_EXCEPTION_REPORTER.endswith("PersonalDataSafeExceptionReporter")


def test_error_report_hides_post_get_cookies_locals_and_message(hostile_request):
    text, html = _report(hostile_request)

    for report in (text, html):
        for secret in SECRETS:
            assert secret not in report
    assert "_failing_view" in text  # still useful: the stack is there
    assert "/people/1/edit/" in text


def test_error_report_hides_sensitive_settings():
    cleansed = PersonalDataSafeReporterFilter().get_safe_settings()

    for name in ("SECRET_KEY", "DATABASES", "REDIS_URL", "CELERY_BROKER_URL"):
        assert cleansed[name] == PersonalDataSafeReporterFilter.cleansed_substitute
    assert cleansed["TIME_ZONE"] == "Europe/London"


@override_settings(ADMINS=[("Ops", "ops@example.nhs.uk")], DEBUG=False)
def test_admin_error_email_carries_no_personal_data(hostile_request):
    handler = AdminEmailHandler()
    try:
        _failing_view(hostile_request)
    except ValueError:
        import logging

        record = logging.LogRecord(
            "django.request",
            logging.ERROR,
            __file__,
            1,
            "Internal Server Error: %s",
            (hostile_request.path,),
            sys.exc_info(),
        )
        record.request = hostile_request
        record.status_code = 500
        handler.emit(record)

    (email,) = mail.outbox
    for secret in SECRETS:
        assert secret not in email.subject
        assert secret not in email.body
