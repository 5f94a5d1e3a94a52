"""The type of a file is found from its content; the name must agree; names are tamed."""

import io

import pytest

from documents.content_types import CHUNK, detect, name_problem, sanitise_filename
from documents.enums import ContentKind

from . import files


def _detect(content: bytes):
    return detect(io.BytesIO(content))


@pytest.mark.parametrize(
    ("content", "kind"),
    [
        (files.pdf(), ContentKind.PDF),
        (files.PNG, ContentKind.PNG),
        (files.JPEG, ContentKind.JPEG),
        (files.docx(), ContentKind.DOCX),
        (files.odt(), ContentKind.ODT),
        ("Letter from Dr Ng, café visit\n".encode(), ContentKind.TXT),
    ],
)
def test_detect_recognises_each_accepted_type_by_content(content, kind):
    assert _detect(content) == kind


@pytest.mark.parametrize(
    "content",
    [
        files.EXE,  # a Windows program (NUL bytes: not text either)
        files._zip({"word/document.xml": b"<w/>"}),  # no [Content_Types].xml
        files._zip({"[Content_Types].xml": b"<T/>", "xl/workbook.xml": b"<w/>"}),  # a workbook
        files._zip({"mimetype": b"application/vnd.oasis.opendocument.spreadsheet"}),
        b"PK\x03\x04 not really a zip archive",
        b"caf\xe9 in Latin-1, not UTF-8",
        b"text with a \x00 NUL byte",
        b"GIF89a\x01\x00\x01\x00",
    ],
    ids=["exe", "docx-no-types", "xlsx", "ods", "broken-zip", "latin-1", "nul", "gif"],
)
def test_detect_refuses_anything_else(content):
    assert _detect(content) is None


def test_detect_accepts_a_multibyte_character_split_across_read_chunks():
    content = b"a" * (CHUNK - 1) + "é".encode() + b"\n"

    assert _detect(content) == ContentKind.TXT


def test_detect_leaves_the_file_at_its_start_for_storing():
    stream = io.BytesIO(files.docx())

    detect(stream)

    assert stream.tell() == 0


def test_name_problem_is_empty_when_extension_matches_in_any_case():
    assert name_problem("Scan.JPEG", ContentKind.JPEG) == ""
    assert name_problem("scan.jpg", ContentKind.JPEG) == ""


def test_name_problem_names_the_file_and_what_it_really_is():
    assert name_problem("letter.pdf", ContentKind.PNG) == (
        "letter.pdf is named as .pdf but its content is a PNG image: rename it to end in "
        ".png, or choose the right file"
    )
    assert name_problem("letter", ContentKind.ODT) == (
        "letter has no file extension: its content is an OpenDocument text (ODT), so name it .odt"
    )


@pytest.mark.parametrize(
    ("raw", "shown"),
    [
        ("gp letter.pdf", "gp letter.pdf"),
        ("../../etc/passwd.txt", "passwd.txt"),
        ("C:\\Users\\sam\\Desktop\\discharge summary.pdf", "discharge summary.pdf"),
        ("report\r\nX-Injected: 1.txt", "reportX-Injected: 1.txt"),
        ("letter\u202etxt.exe", "lettertxt.exe"),  # right-to-left override removed
        ("  ..hidden.txt ", "hidden.txt"),
        ("   many    spaces .txt", "many spaces .txt"),
        ("../", ""),
        ("..\\..\\", ""),
        ("...", ""),
    ],
)
def test_sanitise_filename(raw, shown):
    assert sanitise_filename(raw) == shown


def test_sanitise_filename_keeps_the_extension_of_a_very_long_name():
    shown = sanitise_filename("x" * 500 + ".pdf")

    assert len(shown) == 200
    assert shown.endswith("x.pdf")
