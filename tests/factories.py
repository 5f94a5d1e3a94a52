"""One factory per model, with no surprising defaults. Apps add theirs below."""

import datetime
import itertools

import factory
from django.contrib.auth.hashers import make_password
from django.utils import timezone

from accounts.enums import Role, SiteKind, TeamKind
from accounts.models import Site, Team, User
from referrals.enums import ReferralSource, ReferrerRole
from referrals.identifiers import nhs_check_digit
from referrals.models import Person, Referral
from referrals.work_order import WORK_ORDER_FIELDS, refresh_work_order_of

_nhs_serial = itertools.count(100_000_000)


def next_nhs_number() -> str:
    """A valid, unique NHS number in the 9xx test range (never a real person's)."""
    while True:
        first_nine = f"9{next(_nhs_serial) % 100_000_000:08d}"
        check = nhs_check_digit(first_nine)
        if check is not None:
            return f"{first_nine}{check}"


class TeamFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Team
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Test L&D team {n}")
    kind = TeamKind.LIAISON_DIVERSION
    area = "Test area"


class SiteFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Site

    team = factory.SubFactory(TeamFactory)
    name = factory.Sequence(lambda n: f"Test custody suite {n}")
    kind = SiteKind.CUSTODY_SUITE


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = "Sam"
    last_name = factory.Sequence(lambda n: f"Tester{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.nhs.uk")
    role = Role.PRACTITIONER
    team = factory.SubFactory(TeamFactory)
    # Hashed before the row is written, so creating a user is one INSERT (not an INSERT and
    # an UPDATE, as set_password after creation was).
    password = factory.LazyFunction(lambda: make_password("correct horse battery staple"))


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Person

    given_name = "Alex"
    family_name = factory.Sequence(lambda n: f"Example{n}")
    date_of_birth = datetime.date(1990, 5, 17)
    nhs_number = factory.LazyFunction(next_nhs_number)
    team = factory.SubFactory(TeamFactory)
    created_by = factory.SubFactory(UserFactory, team=factory.SelfAttribute("..team"))


class ReferralFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Referral
        skip_postgeneration_save = True  # the work_order hook stores what it changes

    person = factory.SubFactory(PersonFactory)
    team = factory.SelfAttribute("person.team")
    source = ReferralSource.POLICE_CUSTODY
    site = factory.SubFactory(SiteFactory, team=factory.SelfAttribute("..team"))
    received_at = factory.LazyFunction(lambda: timezone.now() - datetime.timedelta(hours=1))
    referrer_name = "PC Jordan Reed"
    referrer_role = ReferrerRole.CUSTODY_STAFF
    referrer_organisation = "Test Constabulary"
    case_reference = factory.Sequence(lambda n: f"CUST/{n:06d}")
    reason = "Appeared low in mood and disclosed thoughts of self-harm at booking-in."
    created_by = factory.SelfAttribute("person.created_by")

    @factory.post_generation
    def work_order(obj, create, extracted, **kwargs):
        """As referrals.services.referral_create: the keys of "most urgent first" stored."""
        if create:
            refresh_work_order_of(pk=obj.pk)
            obj.refresh_from_db(fields=WORK_ORDER_FIELDS)
