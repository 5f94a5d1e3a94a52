"""Virus scanning behind LD_CLAMAV: quarantined until clean, blocked when infected, retried
when the scanner is down; "not scanned" (and downloadable) when scanning is not set up."""

import os
import secrets
import subprocess
import sys
import types
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.core.exceptions import ImproperlyConfigured
from django.urls import reverse

from accounts.models import AuditEvent
from documents import services
from documents.enums import ScanState
from documents.scanning import ClamdScanner, ScannerUnavailable, parse_clamav_address

from .conftest import attach, stored_files
from .fakes import CleanScanner

pytestmark = pytest.mark.django_db
FAKES = "tests.documents.fakes."


@pytest.fixture
def scanning(settings, monkeypatch):
    settings.LD_CLAMAV = "tcp://clamav.test:3310"
    # The scan task runs in this process, as on a laptop, even where REDIS_URL points the
    # queue at a broker no worker reads in the test run (the transport has its own tests).
    from config.celery import app

    monkeypatch.setitem(app.conf, "task_always_eager", True)

    def use(name):
        settings.LD_VIRUS_SCANNER = FAKES + name

    use("CleanScanner")
    return use


def _attach_and_commit(django_capture_on_commit_callbacks, order, by, **kwargs):
    with django_capture_on_commit_callbacks(execute=True):
        document = attach(order.person, by, **kwargs)
    document.refresh_from_db()
    return document


def test_without_scanning_documents_are_not_scanned_and_downloadable(order, practitioner):
    document = attach(order.person, practitioner)

    assert document.scan_state == ScanState.NOT_SCANNED
    assert document.is_downloadable


def test_with_scanning_a_document_waits_pending_until_the_scan_runs(scanning, order, practitioner):
    document = attach(order.person, practitioner)  # the commit (and the task) has not run

    assert document.scan_state == ScanState.PENDING
    assert not document.is_downloadable


def test_a_clean_file_is_released_after_the_commit(
    scanning, order, practitioner, django_capture_on_commit_callbacks, practitioner_client
):
    CleanScanner.scanned.clear()

    document = _attach_and_commit(
        django_capture_on_commit_callbacks, order, practitioner, content=b"clean letter\n"
    )

    assert CleanScanner.scanned == [b"clean letter\n"]
    assert (document.scan_state, document.scan_attempts) == (ScanState.CLEAN, 1)
    assert document.scanned_at is not None
    response = practitioner_client.get(reverse("documents:document_download", args=[document.pk]))
    assert response.status_code == 200
    assert AuditEvent.objects.filter(detail="virus scan: clean", object_id=str(document.pk))


def test_an_infected_file_is_blocked_deleted_audited_and_the_uploader_told(
    scanning,
    order,
    practitioner,
    django_capture_on_commit_callbacks,
    practitioner_client,
    media_root,
):
    scanning("InfectedScanner")

    document = _attach_and_commit(django_capture_on_commit_callbacks, order, practitioner)

    assert document.scan_state == ScanState.INFECTED
    assert document.scan_signature == "Eicar-Test-Signature"
    assert not document.file
    assert stored_files(media_root) == []
    event = AuditEvent.objects.get(detail="virus scan: infected, file blocked")
    assert (event.object_id, event.person_id) == (str(document.pk), order.person.pk)
    page = practitioner_client.get(reverse("documents:person_documents", args=[order.person.pk]))
    assert "Blocked: virus found" in page.content.decode()
    download = practitioner_client.get(reverse("documents:document_download", args=[document.pk]))
    assert download.status_code == 302


def test_the_uploader_gets_an_inbox_reminder_for_a_blocked_document_once(
    scanning, order, practitioner, django_capture_on_commit_callbacks
):
    from notifications.models import Reminder
    from notifications.rules import run_rules
    from notifications.rules_documents import document_blocked

    scanning("InfectedScanner")
    blocked = _attach_and_commit(django_capture_on_commit_callbacks, order, practitioner)
    scanning("CleanScanner")
    _attach_and_commit(django_capture_on_commit_callbacks, order, practitioner)  # clean

    run_rules([document_blocked])
    run_rules([document_blocked])

    (reminder,) = Reminder.objects.all()
    assert reminder.recipient == practitioner
    assert reminder.title == (
        f"Document D{blocked.pk:06d} was blocked: a virus was found in it. "
        "Ask the sender for a clean copy"
    )
    assert reminder.link == reverse("documents:person_documents", args=[order.person.pk])


def test_scanner_down_leaves_it_pending_and_the_sweep_retries(
    scanning, order, practitioner, django_capture_on_commit_callbacks, practitioner_client
):
    scanning("DownScanner")
    document = _attach_and_commit(django_capture_on_commit_callbacks, order, practitioner)
    assert (document.scan_state, document.scan_attempts) == (ScanState.PENDING, 1)
    page = practitioner_client.get(reverse("documents:person_documents", args=[order.person.pk]))
    assert "Being checked" in page.content.decode()

    scanning("CleanScanner")
    assert services.documents_scan_pending(older_than_seconds=3600) == 0  # too recent
    queued = services.documents_scan_pending(older_than_seconds=0)

    document.refresh_from_db()
    assert queued == 1
    assert (document.scan_state, document.scan_attempts) == (ScanState.CLEAN, 2)


def test_scanning_twice_changes_nothing_the_second_time(
    scanning, order, practitioner, django_capture_on_commit_callbacks
):
    document = _attach_and_commit(django_capture_on_commit_callbacks, order, practitioner)

    assert services.document_scan(document_id=document.pk) is None
    document.refresh_from_db()
    assert document.scan_attempts == 1


def test_the_scan_task_is_named_and_takes_an_id(scanning, order, practitioner):
    from documents.tasks import scan

    document = attach(order.person, practitioner)
    scan.apply(kwargs={"document_id": document.pk})
    scan.apply(kwargs={"document_id": 987654321})  # gone: returns quietly

    document.refresh_from_db()
    assert scan.name == "documents.scan"
    assert document.scan_state == ScanState.CLEAN


@pytest.mark.parametrize(
    ("value", "address"),
    [
        ("tcp://clamav:3310", {"host": "clamav", "port": 3310}),
        ("tcp://10.0.0.5", {"host": "10.0.0.5", "port": 3310}),
        ("unix:///run/clamav/clamd.ctl", {"socket": "/run/clamav/clamd.ctl"}),
    ],
)
def test_clamav_address_forms(value, address):
    assert parse_clamav_address(value) == address


@pytest.mark.parametrize("value", ["clamav:3310", "http://clamav", "unix://"])
def test_a_malformed_clamav_address_names_the_variable(value):
    with pytest.raises(ImproperlyConfigured, match="LD_CLAMAV"):
        parse_clamav_address(value)


@pytest.fixture
def fake_clamd(monkeypatch):
    """A stand-in for the clamd package: answers come from `answers`."""
    module = types.ModuleType("clamd")
    module.answers = []

    class ConnectionError(OSError):  # noqa: A001 - the package's own name
        pass

    class ClamdNetworkSocket:
        def __init__(self, host, port, timeout):
            self.where = (host, port)

        def instream(self, stream):
            answer = module.answers.pop(0)
            if isinstance(answer, Exception):
                raise answer
            return {"stream": answer}

    module.ConnectionError = ConnectionError
    module.ClamdNetworkSocket = ClamdNetworkSocket
    monkeypatch.setitem(sys.modules, "clamd", module)
    return module


def test_clamd_scanner_reads_the_daemons_answers(fake_clamd):
    import io

    scanner = ClamdScanner("tcp://clamav:3310")
    fake_clamd.answers = [
        ("OK", None),
        ("FOUND", "Eicar-Test-Signature"),
        fake_clamd.ConnectionError("refused"),
        ("ERROR", "size limit"),
    ]

    assert scanner.scan(io.BytesIO(b"x")).infected is False
    assert scanner.scan(io.BytesIO(b"x")).signature == "Eicar-Test-Signature"
    with pytest.raises(ScannerUnavailable):
        scanner.scan(io.BytesIO(b"x"))
    with pytest.raises(ScannerUnavailable):
        scanner.scan(io.BytesIO(b"x"))


def _production(**extra):
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(64),
        "LD_AUDIT_HMAC_KEY": secrets.token_urlsafe(48),
        "LD_RETURN_PSEUDONYM_KEY": secrets.token_urlsafe(48),
        "LD_AUDIT_CHECKPOINT_EMAIL": "audit-checkpoints@example.nhs.uk",
        **extra,
    }
    for name in ("LD_CLAMAV", "LD_VIRUS_SCAN_WAIVER", "DATABASE_URL"):
        if name not in extra:
            env.pop(name, None)
    code = (
        "import django; django.setup(); from django.conf import settings; print(settings.LD_CLAMAV)"
    )
    return subprocess.run(  # noqa: S603 - our own interpreter
        [sys.executable, "-c", code],
        cwd=Path(django_settings.BASE_DIR),
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_refuses_to_start_without_virus_scanning():
    result = _production()

    assert result.returncode != 0
    assert "LD_CLAMAV must name a ClamAV daemon in production" in result.stderr


@pytest.mark.parametrize(
    "extra",
    [{"LD_CLAMAV": "tcp://clamav:3310"}, {"LD_VIRUS_SCAN_WAIVER": "scanned by the gateway"}],
)
def test_production_starts_with_a_scanner_or_a_stated_waiver(extra):
    result = _production(**extra)

    assert result.returncode == 0, result.stderr
