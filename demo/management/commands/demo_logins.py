"""Print where the app runs and how to sign in as each demo role."""

from django.conf import settings
from django.core.management.base import BaseCommand

from accounts.enums import Role
from accounts.models import RolePolicy, User
from demo.accounts import DEMO_PASSWORD, DEMO_USERS


class Command(BaseCommand):
    help = "Print the URL and every demo role's username and password."

    def add_arguments(self, parser):
        parser.add_argument("--url", default=settings.SITE_URL, help="Where the app is served")

    def handle(self, *args, url, **options):
        users = {
            u.username: u for u in User.objects.filter(username__in=[d[0] for d in DEMO_USERS])
        }
        if not users:
            self.stdout.write("No demo users yet: run `manage.py seed_demo --demo` first.")
            return
        self.stdout.write(f"Open {url.rstrip('/')}/ and sign in as:")
        width = max(len(name) for name in users)
        for username, *_rest in DEMO_USERS:
            user = users.get(username)
            if user is None:
                continue
            has_demo_password = user.check_password(DEMO_PASSWORD)
            password = DEMO_PASSWORD if has_demo_password else "(not the demo password)"
            role = Role(user.role).label
            team = f", {user.team}" if user.team else ""
            self.stdout.write(f"  {username:<{width}}  {password}  {role}{team}")
        if RolePolicy.objects.filter(require_two_factor=True).exists():
            self.stdout.write(
                "Some roles must set up an authenticator app at sign-in "
                "(Django admin: role sign-in policies)."
            )
