from django.core.management.base import BaseCommand

from reporting.housekeeping import retention_dry_run, run_housekeeping


class Command(BaseCommand):
    help = (
        "Expire stale form drafts, anonymise records past the retention period and repair "
        "stale keys of 'most urgent first'."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Report how many people and records would be anonymised; change nothing.",
        )

    def handle(self, *args, **options):
        if options["dry_run"]:
            report = retention_dry_run()
            self.stdout.write(f"Dry run: people who would be anonymised: {report['people']}")
            for label, count in report["records"].items():
                self.stdout.write(f"  {label}: {count}")
            return
        result = run_housekeeping()
        self.stdout.write(
            f"Drafts expired: {result['drafts_expired']}; people anonymised: "
            f"{result['anonymised']}; referrals re-ordered: {result['work_order_repaired']}; "
            f"expired sessions deleted: {result['sessions_cleared']}"
        )
