from django.core.management.base import BaseCommand

from accounts.audit_chain import write_checkpoint


class Command(BaseCommand):
    help = (
        "Anchor the audit trail's head outside the database: append a signed checkpoint to "
        "LD_AUDIT_CHECKPOINT_FILE and email it to LD_AUDIT_CHECKPOINT_EMAIL (Celery beat "
        "does this every night)."
    )

    def handle(self, *args, **options):
        checkpoint = write_checkpoint()
        self.stdout.write(
            f"Checkpoint written: {checkpoint.count} entries, newest {checkpoint.last_id}."
        )
