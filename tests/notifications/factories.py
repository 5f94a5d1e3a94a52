import datetime

import factory
from django.utils import timezone

from notifications.enums import EmailState, ReminderKind
from notifications.models import Reminder
from tests.factories import UserFactory


class ReminderFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Reminder

    kind = ReminderKind.REFERRAL_NOT_SCREENED
    subject_type = "referrals.referral"
    subject_id = factory.Sequence(lambda n: n + 1)
    due_on = factory.LazyFunction(timezone.localdate)
    recipient = factory.SubFactory(UserFactory)
    title = factory.LazyAttribute(lambda r: f"Referral R{r.subject_id:06d} has not been screened")
    link = ""
    email_state = EmailState.PENDING
    next_attempt_at = factory.LazyFunction(lambda: timezone.now() - datetime.timedelta(seconds=1))
