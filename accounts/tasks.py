from celery import shared_task

from .audit_chain import write_checkpoint


@shared_task(name="accounts.audit_checkpoint")
def audit_checkpoint():
    """Nightly: the audit trail's signed head, kept outside the database."""
    checkpoint = write_checkpoint()
    return {"last_id": checkpoint.last_id, "count": checkpoint.count}
