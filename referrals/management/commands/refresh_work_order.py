from django.core.management.base import BaseCommand

from referrals.work_order import repair_work_order


class Command(BaseCommand):
    help = (
        "Store again the keys of 'most urgent first' (My work) of every referral whose keys "
        "are stale: run after changing LD_TIMELINESS_TARGET_HOURS rather than wait for the "
        "nightly housekeeping."
    )

    def handle(self, *args, **options):
        self.stdout.write(f"Referrals re-ordered: {repair_work_order()}")
