"""Attaching documents: by content, within the size limit, all or none, no orphan files."""

import datetime
import hashlib

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.enums import AuditAction
from accounts.models import AuditEvent
from documents.enums import ContentKind, DocumentType, ScanState
from documents.forms import DocumentUploadForm
from documents.models import Document
from tests.factories import ReferralFactory

from . import files
from .conftest import stored_files
from .files import upload

pytestmark = pytest.mark.django_db


@pytest.fixture
def person(practitioner):
    referral = ReferralFactory(person__team=practitioner.team, person__created_by=practitioner)
    ReferralFactory(person=referral.person, created_by=practitioner)  # a second referral
    return referral.person


def _post(client, person, *uploads, **fields):
    data = {
        "files": list(uploads),
        "document_type": DocumentType.GP_LETTER,
        "document_date": f"{timezone.localdate() - datetime.timedelta(days=2):%d/%m/%Y}",
        "title": "",
        "description": "",
        "link": "",
    } | fields
    return client.post(reverse("documents:document_upload", args=[person.pk]), data)


def _errors(response) -> str:
    return response.content.decode()


def test_practitioner_attaches_a_gp_letter_stored_under_a_random_name(
    practitioner_client, person, practitioner, media_root
):
    content = files.pdf("Letter from the GP")

    response = _post(practitioner_client, person, upload("GP letter May.pdf", content))

    assert response.status_code == 302
    document = Document.objects.get(person=person)
    assert document.original_filename == "GP letter May.pdf"
    assert document.title == "GP letter May"
    assert document.content_type == ContentKind.PDF
    assert document.size == len(content)
    assert document.sha256 == hashlib.sha256(content).hexdigest()
    assert document.scan_state == ScanState.NOT_SCANNED
    assert document.team == practitioner.team
    assert "GP" not in document.file.name and "May" not in document.file.name
    assert stored_files(media_root) == [document.file.name]
    page = practitioner_client.get(response.url).content.decode()
    assert "GP letter May" in page and "Not scanned" in page


def test_upload_is_audited_with_ids_only(practitioner_client, person, practitioner):
    _post(practitioner_client, person, upload("Letter from Dr Ng.txt", b"Hello\n"))

    document = Document.objects.get()
    event = AuditEvent.objects.get(action=AuditAction.CREATE, object_id=str(document.pk))
    assert (event.user, event.person_id, event.detail) == (
        practitioner,
        person.pk,
        "document attached",
    )


def test_several_files_in_one_form_are_all_attached(practitioner_client, person, media_root):
    response = _post(
        practitioner_client,
        person,
        upload("a.pdf", files.pdf()),
        upload("b.docx", files.docx()),
        upload("c.odt", files.odt()),
        upload("d.jpg", files.JPEG),
        upload("e.png", files.PNG),
        upload("f.txt", b"notes\n"),
        title="Court bundle",
    )

    assert response.status_code == 302
    kinds = sorted(Document.objects.values_list("content_type", flat=True))
    assert kinds == sorted(ContentKind.values)
    assert set(Document.objects.values_list("title", flat=True)) == {"Court bundle"}
    assert len(stored_files(media_root)) == 6


def test_one_bad_file_among_several_saves_nothing_and_names_the_file(
    practitioner_client, person, media_root
):
    response = _post(
        practitioner_client,
        person,
        upload("first.pdf", files.pdf()),
        upload("setup.pdf", files.EXE),
        upload("third.txt", b"fine\n"),
    )

    assert response.status_code == 400
    body = _errors(response)
    assert "setup.pdf is not a PDF, Word (DOCX)" in body
    assert "No files have been attached" in body
    assert Document.objects.count() == 0
    assert stored_files(media_root) == []


def test_a_png_named_pdf_is_refused_with_what_it_really_is(practitioner_client, person):
    response = _post(practitioner_client, person, upload("letter.pdf", files.PNG))

    assert response.status_code == 400
    assert "letter.pdf is named as .pdf but its content is a PNG image" in _errors(response)
    assert Document.objects.count() == 0


@pytest.mark.parametrize(("size", "accepted"), [(99, True), (100, True), (101, False)])
def test_size_limit_from_the_setting(practitioner_client, person, settings, size, accepted):
    settings.LD_DOCUMENT_MAX_BYTES = 100

    response = _post(practitioner_client, person, upload("notes.txt", b"x" * size))

    assert Document.objects.count() == (1 if accepted else 0)
    if not accepted:
        assert response.status_code == 400
        assert "notes.txt is 101 bytes: a file must be 100 bytes or smaller" in _errors(response)


def test_too_many_files_at_once_are_refused_with_a_message(
    practitioner_client, person, settings, media_root
):
    settings.DATA_UPLOAD_MAX_NUMBER_FILES = 3
    uploads = [upload(f"page-{n}.txt", b"page\n") for n in range(4)]

    response = _post(practitioner_client, person, *uploads)

    assert response.status_code == 400
    assert "Choose 3 files or fewer at a time" in _errors(response)
    assert Document.objects.count() == 0
    assert stored_files(media_root) == []


def test_default_size_limit_is_20_mb(settings):
    from config.settings import base

    assert base.LD_DOCUMENT_MAX_BYTES == 20 * 1024 * 1024


def test_an_empty_file_is_refused_by_name(practitioner_client, person):
    response = _post(practitioner_client, person, upload("blank.txt", b""))

    assert response.status_code == 400
    assert "blank.txt is empty: choose a file with something in it" in _errors(response)
    assert Document.objects.count() == 0


def test_no_file_chosen_says_so(practitioner_client, person):
    response = _post(practitioner_client, person)

    assert response.status_code == 400
    assert "Choose at least one file" in _errors(response)


def test_path_characters_are_removed_from_the_name_shown(practitioner_client, person):
    _post(practitioner_client, person, upload("..\\..\\windows\\gp\u202eletter.txt", b"hi\n"))

    document = Document.objects.get()
    assert document.original_filename == "gpletter.txt"


def test_a_name_of_only_path_characters_is_refused_with_a_clear_message(person):
    form = DocumentUploadForm(
        {"document_type": DocumentType.OTHER, "document_date": "1/3/2026"},
        {"files": [upload("...", b"hello\n")]},
    )

    assert not form.is_valid()
    assert form.errors["files"] == [
        "The file name “...” is only path characters: rename the file and choose it again"
    ]


@pytest.mark.parametrize(("offset", "accepted"), [(-1, True), (0, True), (1, False)])
def test_document_date_cannot_be_in_the_future(practitioner_client, person, offset, accepted):
    day = timezone.localdate() + datetime.timedelta(days=offset)

    response = _post(
        practitioner_client, person, upload("a.txt", b"a\n"), document_date=f"{day:%d/%m/%Y}"
    )

    assert Document.objects.count() == (1 if accepted else 0)
    if not accepted:
        assert "Date of the document must be today or in the past" in _errors(response)


@pytest.mark.parametrize(
    ("typed", "errors"),
    [
        ("31/12/1899", ["Date of the document must be on or after 1 January 1900"]),
        ("1/1/1900", None),
        ("2/1/1900", None),
        ("9999-12-31", ["Enter the date of the document as a date, like 27/3/2026"]),
        ("31/2/2026", ["Date of the document must be a real date"]),
    ],
)
def test_document_date_from_1900_and_typed_as_a_date(typed, errors):
    form = DocumentUploadForm(
        {"document_type": DocumentType.OTHER, "document_date": typed},
        {"files": [upload("a.txt", b"a\n")]},
    )

    form.is_valid()

    assert form.errors.get("document_date") == errors


def test_title_and_description_are_bounded(practitioner_client, person):
    response = _post(
        practitioner_client,
        person,
        upload("a.txt", b"a\n"),
        title="t" * 201,
        description="d" * 1001,
    )

    body = _errors(response)
    assert response.status_code == 400
    assert "Title must be 200 characters or fewer" in body
    assert "Description must be 1000 characters or fewer" in body


def test_link_to_an_order_records_the_orders_referral(practitioner_client, order):
    response = _post(
        practitioner_client,
        order.person,
        upload("register.txt", b"register\n"),
        document_type=DocumentType.COURT_PAPERS,
        link=f"order-{order.pk}",
    )

    assert response.status_code == 302
    document = Document.objects.get()
    assert (document.order, document.referral) == (order, order.referral)


def test_link_choices_offer_only_this_persons_referrals(practitioner_client, person, practitioner):
    other = ReferralFactory(person__team=practitioner.team, person__created_by=practitioner)

    response = _post(
        practitioner_client, person, upload("a.txt", b"a\n"), link=f"referral-{other.pk}"
    )

    assert response.status_code == 400
    assert Document.objects.count() == 0
    form_page = practitioner_client.get(reverse("documents:document_upload", args=[person.pk]))
    assert other.reference not in form_page.content.decode()
    for referral in person.referrals.all():
        assert referral.reference in form_page.content.decode()


def test_a_failure_while_storing_leaves_no_file_behind(
    practitioner_client, person, media_root, monkeypatch
):
    from documents import services

    real_create = services._document_create
    calls = []

    def fail_on_second(*args, **kwargs):
        calls.append(1)
        if len(calls) == 2:
            raise RuntimeError("database went away")
        return real_create(*args, **kwargs)

    monkeypatch.setattr(services, "_document_create", fail_on_second)
    with pytest.raises(RuntimeError):
        services.documents_upload(
            person=person,
            files=[services.upload_check(upload(n, b"x\n")) for n in ("a.txt", "b.txt")],
            document_type=DocumentType.OTHER,
            document_date=timezone.localdate(),
            title="",
            by=person.created_by,
        )

    assert Document.objects.count() == 0
    assert stored_files(media_root) == []


def test_probation_cannot_attach_and_another_team_cannot_find_the_person(
    client, person, officer, outsider
):
    client.force_login(officer)
    assert _post(client, person, upload("a.txt", b"a\n")).status_code == 403
    client.force_login(outsider)
    assert _post(client, person, upload("a.txt", b"a\n")).status_code == 404
    assert Document.objects.count() == 0
