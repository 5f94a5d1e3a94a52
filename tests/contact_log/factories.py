import datetime

import factory
from django.utils import timezone

from contact_log.enums import ContactOutcome, ContactType
from contact_log.models import Contact, ContactAddendum
from tests.factories import PersonFactory, UserFactory


class ContactFactory(factory.django.DjangoModelFactory):
    """A phone call made an hour ago by a practitioner of the person's team."""

    class Meta:
        model = Contact

    person = factory.SubFactory(PersonFactory)
    practitioner = factory.SubFactory(UserFactory, team=factory.SelfAttribute("..person.team"))
    author_team = factory.SelfAttribute("practitioner.team")
    contact_type = ContactType.PHONE
    contact_at = factory.LazyFunction(lambda: timezone.now() - datetime.timedelta(hours=1))
    outcome = ContactOutcome.MADE
    note = "Spoke by phone; agreed to attend the GP appointment."


class ContactAddendumFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ContactAddendum

    contact = factory.SubFactory(ContactFactory)
    text = "The appointment is at 10:00, not 11:00."
    reason = "Wrong time recorded"
    added_by = factory.SelfAttribute("contact.practitioner")
