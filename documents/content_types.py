"""What a file is, from its content, and a safe name to show for it. No database.

Only six types are accepted (enums.ContentKind). Each is recognised by its own bytes,
never by its name: PDF, PNG and JPEG by their signatures; DOCX and ODT by the ZIP archive's
structure (`[Content_Types].xml` with a `word/` part; the `mimetype` entry naming
OpenDocument text); plain text as valid UTF-8 with no NUL byte. The name must then agree
with the content, so a PNG called "letter.pdf" is refused rather than stored as either.

Small explicit checks rather than a detection library: the list is six types, the two
ZIP-based ones need a look inside the archive that such libraries do by guesswork, and the
text rule (valid UTF-8, no NUL) is ours.
"""

import codecs
import os
import re
import unicodedata
import zipfile

from .enums import ContentKind

CHUNK = 64 * 1024
MAX_NAME_LENGTH = 200
ODT_MIMETYPE = b"application/vnd.oasis.opendocument.text"

EXTENSIONS = {
    ContentKind.PDF: (".pdf",),
    ContentKind.DOCX: (".docx",),
    ContentKind.ODT: (".odt",),
    ContentKind.JPEG: (".jpg", ".jpeg"),
    ContentKind.PNG: (".png",),
    ContentKind.TXT: (".txt",),
}
ALLOWED_LIST = "PDF, Word (DOCX), OpenDocument text (ODT), JPEG, PNG or plain text (TXT)"

# Control characters (C0, DEL, C1) and format characters such as the right-to-left
# override, which can make "gpj.exe" look like "exe.jpg".
_INVISIBLE = {"Cc", "Cf"}
_SPACES = re.compile(r"\s+")


def sanitise_filename(raw: str) -> str:
    """The name to show and to send back on download: the last part of any path, without
    control or format characters, spaces collapsed, no leading dots; "" if nothing is left.
    Never used to store the file (documents.storage makes a random name)."""
    name = unicodedata.normalize("NFC", raw or "").replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(ch for ch in name if unicodedata.category(ch) not in _INVISIBLE)
    name = _SPACES.sub(" ", name).strip().lstrip(".").strip()
    if len(name) > MAX_NAME_LENGTH:
        stem, ext = os.path.splitext(name)
        name = stem[: MAX_NAME_LENGTH - len(ext)].rstrip() + ext
    return name


def detect(file) -> ContentKind | None:
    """The accepted type `file` (a seekable binary file) really is, or None."""
    file.seek(0)
    head = file.read(8)
    file.seek(0)
    if head.startswith(b"%PDF-"):
        return ContentKind.PDF
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return ContentKind.PNG
    if head.startswith(b"\xff\xd8\xff"):
        return ContentKind.JPEG
    if head.startswith(b"PK\x03\x04"):
        return _office_document(file)
    return ContentKind.TXT if _is_utf8_text(file) else None


def _office_document(file) -> ContentKind | None:
    try:
        with zipfile.ZipFile(file) as archive:
            names = set(archive.namelist())
            if "[Content_Types].xml" in names and any(n.startswith("word/") for n in names):
                return ContentKind.DOCX
            info = archive.getinfo("mimetype") if "mimetype" in names else None
            small = info is not None and info.file_size <= len(ODT_MIMETYPE)
            if small and archive.read(info).strip() == ODT_MIMETYPE:
                return ContentKind.ODT
    except (zipfile.BadZipFile, OSError, RuntimeError, NotImplementedError):
        return None
    finally:
        file.seek(0)
    return None


def _is_utf8_text(file) -> bool:
    decoder = codecs.getincrementaldecoder("utf-8")(errors="strict")
    try:
        while chunk := file.read(CHUNK):
            if b"\x00" in chunk:
                return False
            decoder.decode(chunk)
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    finally:
        file.seek(0)
    return True


def name_problem(name: str, kind: ContentKind) -> str:
    """Why `name` does not fit content of `kind`, or "" when its extension matches."""
    extension = os.path.splitext(name)[1].lower()
    expected = EXTENSIONS[kind]
    if extension in expected:
        return ""
    if not extension:
        return f"{name} has no file extension: its content is {_a(kind.label)}, so name it {expected[0]}"
    return (
        f"{name} is named as {extension} but its content is {_a(kind.label)}: rename it to "
        f"end in {expected[0]}, or choose the right file"
    )


def _a(label: str) -> str:
    return f"an {label}" if label[:1] in "AEIOU" else f"a {label}"
