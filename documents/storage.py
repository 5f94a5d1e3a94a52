"""Where document files are kept: the "documents" storage of settings.STORAGES.

Filesystem under the private MEDIA_ROOT by default (no URL pattern or WhiteNoise serves it),
or S3-compatible storage through django-storages when LD_DOCUMENT_STORAGE=s3. Files are
read only through documents.views.document_download, which checks the access policy.
"""

import uuid

from django.core.files.storage import storages
from django.utils import timezone


def documents_storage():
    """Callable storage for the FileField, so migrations do not freeze the backend."""
    return storages["documents"]


def random_storage_name(instance, filename: str) -> str:
    """A name that says nothing about the person or the file: the uploaded name is never
    part of it (it could hold a name, or path tricks)."""
    return f"documents/{timezone.now():%Y/%m}/{uuid.uuid4().hex}"
