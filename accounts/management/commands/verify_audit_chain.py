from django.core.management.base import BaseCommand, CommandError

from accounts.audit import verify_chain


class Command(BaseCommand):
    help = "Check the audit trail's hash chain; fail naming the first entry that was altered."

    def handle(self, *args, **options):
        broken_id = verify_chain()
        if broken_id is not None:
            raise CommandError(
                f"Audit chain broken at entry {broken_id}: it or an entry before it was "
                "altered or removed outside the application."
            )
        self.stdout.write(self.style.SUCCESS("Audit chain intact."))
