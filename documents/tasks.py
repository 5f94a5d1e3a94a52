"""Celery tasks: thin, by id, idempotent (a document already scanned is left alone)."""

from celery import shared_task

from . import services


@shared_task(name="documents.scan")
def scan(*, document_id: int):
    services.document_scan(document_id=document_id)


@shared_task(name="documents.scan_pending")
def scan_pending():
    """Every few minutes: retry the scans still pending (scanner down, task lost)."""
    return services.documents_scan_pending()
