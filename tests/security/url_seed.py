"""How the access matrix builds each URL's arguments, and the record whose scope decides,
from the security tests' seed (tests/security/conftest.py); used by url_rules.URL_RULES."""

from accounts.enums import Role
from accounts.policy import Action, Kind


def referral(seed):
    return {"pk": seed.referral.pk}


def person(seed):
    return {"pk": seed.person.pk}


def the_person(seed):
    return seed.person


def risk_person(seed):
    return {"person_pk": seed.person.pk}


def staff_pk(seed):
    return {"pk": seed.users[Role.PRACTITIONER].pk}


def practitioner_session(seed):
    """A session of the practitioner's elsewhere (another device), made when first asked for."""
    from django.utils import timezone

    from accounts.models import UserSession

    now = timezone.now()
    session, _ = UserSession.objects.get_or_create(
        session_key="matrix-practitioner-elsewhere",
        defaults={"user": seed.users[Role.PRACTITIONER], "created_at": now, "last_seen_at": now},
    )
    return session


def letter(seed):
    """A letter to the person about the seeded appointment, waiting to be printed."""
    from notifications.models import PersonMessage

    letter, _ = PersonMessage.objects.get_or_create(
        appointment=seed.appointment,
        kind="confirmation",
        defaults={
            "person": seed.order.person,
            "channel": "letter",
            "language": "en",
            "body": "Dear Alex, ...",
            "state": "to_print",
        },
    )
    return {"pk": letter.pk}


def team_pk(seed):
    return {"pk": seed.users[Role.PRACTITIONER].team_id}


def site_pks(seed):
    team = seed.users[Role.PRACTITIONER].team
    site = team.sites.first() or team.sites.create(
        name="Matrix custody suite", kind="custody_suite"
    )
    return {"pk": team.pk, "site_pk": site.pk}


def access_request_pk(seed):
    """A commissioner's clinical role waiting for approval, asked for by an administrator
    other than the seed's (so the seed's administrator may decide it)."""
    from accounts.models import AccessChangeRequest, User

    commissioner = seed.users[Role.COMMISSIONER]
    asker = User.objects.create(username="matrix-asker", role=Role.ADMINISTRATOR)
    waiting, _ = AccessChangeRequest.objects.get_or_create(
        user=commissioner,
        status="pending",
        defaults={
            "from_role": commissioner.role,
            "from_team": commissioner.team,
            "role": Role.PRACTITIONER,
            "team": seed.users[Role.PRACTITIONER].team,
            "reason": "Matrix",
            "requested_by": asker,
        },
    )
    return {"pk": waiting.pk}


def access_entry(seed):
    """The outsider (another team's: it changes nothing) excluded from the person."""
    from referrals.models import RecordAccess

    entry, _ = RecordAccess.objects.get_or_create(
        person=seed.person,
        user=seed.users["outsider"],
        defaults={"kind": "excluded", "reason": "Matrix", "added_by": seed.users[Role.TEAM_LEAD]},
    )
    return {"pk": seed.person.pk, "entry_id": entry.pk}


def calendar_feed_token(seed):
    from notifications.calendar_feed import feed_create

    return {"token": feed_create(user=seed.users[Role.PROBATION_OFFICER])}


def commissioner_return(seed):
    """A record-level return of the commissioner's, ready with a file, made when first asked for."""
    import datetime

    from django.core.files.base import ContentFile
    from django.core.files.storage import storages
    from django.utils import timezone

    from reporting.models import ReturnRequest, ReturnScope, ReturnState

    ret = ReturnRequest.objects.filter(requester=seed.users[Role.COMMISSIONER]).first()
    if ret is None:
        stored = storages["documents"].save("returns/matrix.xlsx", ContentFile(b"matrix"))
        ret = ReturnRequest.objects.create(
            requester=seed.users[Role.COMMISSIONER],
            scope=ReturnScope.AREA,
            period_start=datetime.date(2026, 1, 1),
            period_end=datetime.date(2026, 1, 31),
            state=ReturnState.READY,
            stored_name=stored,
            file_name="record-level-return_area_2026-01-01_to_2026-01-31.xlsx",
            expires_at=timezone.now() + datetime.timedelta(days=7),
        )
    return {"pk": ret.pk}


def pk(attribute):
    return lambda seed: {"pk": getattr(seed, attribute).pk}


def on_referral(get_referral):
    """Work on a referral: the referral must be one the visitor may see."""
    return {
        "kwargs": lambda seed: {"referral_pk": get_referral(seed).pk},
        "obj": get_referral,
        "scope_check": (Kind.REFERRAL, Action.VIEW),
    }


def on_recommendation():
    return {"kwargs": pk("recommendation"), "obj": lambda seed: seed.recommendation}


def on_order(**related):
    """An order's page; `related` maps URL kwargs to seed attributes (appointment_pk=...)."""

    def kwargs(seed):
        return {"pk": seed.order.pk} | {
            name: getattr(seed, attribute).pk for name, attribute in related.items()
        }

    return {"kwargs": kwargs, "obj": lambda seed: seed.order}


order_referral = {"kwargs": lambda seed: {"pk": seed.order.referral_id}, "obj": lambda s: s.order}


def api_client_pk(seed):
    """An API client of team A's (registered when first asked for)."""
    from api import services
    from api.models import ApiClient

    client = ApiClient.objects.filter(name="Matrix custody system").first()
    if client is None:
        client, _secret = services.client_register(
            name="Matrix custody system",
            team=seed.referral.team,
            scopes=["referrals:read"],
            by=seed.users[Role.ADMINISTRATOR],
        )
        services.client_approve(
            client=client, expected_version=client.version, by=seed.users[Role.TEAM_LEAD]
        )
    return {"pk": client.pk}
