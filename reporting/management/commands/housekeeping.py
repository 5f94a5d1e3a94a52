from django.core.management.base import BaseCommand

from reporting.housekeeping import run_housekeeping


class Command(BaseCommand):
    help = "Expire stale form drafts and anonymise records past the retention period."

    def handle(self, *args, **options):
        result = run_housekeeping()
        self.stdout.write(
            f"Drafts expired: {result['drafts_expired']}; people anonymised: {result['anonymised']}"
        )
