import pytest
from django.core.management import call_command

from accounts.enums import Role
from accounts.models import User
from demo.accounts import DEMO_PASSWORD
from demo.referrals import seed_people_and_referrals
from referrals.identifiers import validate_nhs_number, validate_pnc_id
from referrals.models import Person, Referral, ReferralStatusChange


def _run(*args):
    from io import StringIO

    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


@pytest.mark.django_db
def test_seed_demo_creates_every_role_and_valid_referrals():
    output = _run("seed_demo", "--referrals", "60", "--demo", "--seed", "3")

    assert "referrals: 60" in output
    assert set(User.objects.values_list("role", flat=True)) == set(Role.values)
    assert Referral.objects.count() == 60
    for person in Person.objects.exclude(nhs_number=None)[:20]:
        assert validate_nhs_number(person.nhs_number) == person.nhs_number
        assert person.nhs_number.startswith("9")
    for person in Person.objects.exclude(pnc_id=None)[:20]:
        assert validate_pnc_id(person.pnc_id) == person.pnc_id
    for referral in Referral.objects.all():
        referral.full_clean()
        assert referral.site.team_id == referral.team_id
        assert referral.status_changes.last().to_status == referral.status
    assert ReferralStatusChange.objects.filter(from_status="").count() == 60


@pytest.mark.django_db
def test_seed_demo_is_deterministic_for_a_seed():
    from django.utils import timezone

    from demo.accounts import seed_teams_and_users

    seed_teams_and_users()
    now = timezone.now()
    seed_people_and_referrals(20, seed=5, now=now)
    first = list(
        Person.objects.order_by("pk").values_list("given_name", "family_name", "date_of_birth")
    )
    Referral.vulnerabilities.through.objects.all().delete()
    ReferralStatusChange.objects.all().delete()
    Referral.objects.all().delete()
    Person.objects.all().delete()

    seed_people_and_referrals(20, seed=5, now=now)

    again = list(
        Person.objects.order_by("pk").values_list("given_name", "family_name", "date_of_birth")
    )
    assert again == first


@pytest.mark.django_db
def test_seed_demo_if_empty_does_nothing_the_second_time():
    _run("seed_demo", "--referrals", "10")

    output = _run("seed_demo", "--referrals", "10", "--if-empty")

    assert "nothing to do" in output
    assert Referral.objects.count() == 10


@pytest.mark.django_db
def test_demo_password_only_with_demo_flag():
    _run("seed_demo", "--referrals", "0")
    without = User.objects.get(username="practitioner").has_usable_password()

    _run("seed_demo", "--referrals", "0", "--demo")
    logins = _run("demo_logins")

    assert without is False
    assert User.objects.get(username="practitioner").check_password(DEMO_PASSWORD)
    assert f"practitioner     {DEMO_PASSWORD}" in logins
    assert "commissioner" in logins and "admin" in logins


@pytest.mark.django_db
def test_seed_demo_screened_and_assessed_states_come_with_their_records():
    from assessments.models import Assessment, Screening

    call_command("seed_demo", referrals=80, seed=5, verbosity=0)

    referrals = list(Referral.objects.prefetch_related("status_changes"))
    screenings = {s.referral_id: s for s in Screening.objects.all()}
    signed = set(Assessment.objects.filter(status="signed").values_list("referral_id", flat=True))
    for referral in referrals:
        reached = {change.to_status for change in referral.status_changes.all()}
        assert ("screened" in reached) == (referral.pk in screenings)
        assert (referral.screened_at is not None) == (referral.pk in screenings)
        assert ("assessed" in reached) == (referral.pk in signed)
        assert (referral.assessed_at is not None) == (referral.pk in signed)
        if referral.status == "screened":
            assert screenings[referral.pk].decision == "full_assessment"
    assert {r.status for r in referrals} == {"received", "screened", "assessed", "closed"}


@pytest.mark.django_db
def test_seed_demo_gives_every_team_several_practitioners_or_officers():
    from collections import Counter

    from demo.accounts import seed_teams_and_users

    seed_teams_and_users()

    staff = Counter(
        (u.team.name, u.role) for u in User.objects.select_related("team").exclude(team=None)
    )
    assert staff[("Cambridgeshire & Peterborough L&D", Role.PRACTITIONER)] >= 3
    assert staff[("Westminster custody L&D", Role.PRACTITIONER)] >= 3
    assert staff[("Cambridgeshire Probation Delivery Unit", Role.PROBATION_OFFICER)] >= 3
    assert staff[("Fenland Recovery Partnership", Role.PROVIDER_CLINICIAN)] >= 2


@pytest.mark.django_db
@pytest.mark.parametrize("n", [1, 4, 200])
def test_seed_demo_emergency_custody_referral_arrives_within_the_hour(n):
    import datetime

    from django.utils import timezone

    from demo.accounts import seed_teams_and_users
    from referrals import selectors
    from referrals.enums import ReferralSource, ReferralStatus, Urgency

    accounts = seed_teams_and_users()
    now = timezone.make_aware(datetime.datetime(2026, 11, 30, 9, 17))

    seed_people_and_referrals(n, seed=5, now=now)

    emergency = Referral.objects.get(
        urgency=Urgency.EMERGENCY, received_at__gt=now - datetime.timedelta(hours=1)
    )
    assert emergency.source == ReferralSource.POLICE_CUSTODY
    assert emergency.site.kind == "custody_suite"
    assert emergency.status == ReferralStatus.RECEIVED
    assert emergency.assigned_to == accounts.users["practitioner"]
    assert list(emergency.status_changes.values_list("to_status", flat=True)) == ["received"]
    today = Referral.objects.filter(received_at__date=timezone.localdate(now))
    assert today.filter(status=ReferralStatus.RECEIVED).count() >= min(n, 4)
    work = selectors.my_work(user=accounts.users["practitioner"], now=now)
    assert emergency.pk in [r.pk for r in work["assigned"]["rows"]]


@pytest.mark.django_db
def test_seed_demo_arrivals_are_the_same_for_a_seed():
    from django.utils import timezone

    from demo.accounts import seed_teams_and_users

    seed_teams_and_users()
    now = timezone.now().replace(second=0, microsecond=0)
    seed_people_and_referrals(30, seed=5, now=now)
    fields = ("person__given_name", "received_at", "urgency", "source", "assigned_to_id")
    first = list(Referral.objects.order_by("pk").values_list(*fields))
    Referral.vulnerabilities.through.objects.all().delete()
    ReferralStatusChange.objects.all().delete()
    Referral.objects.all().delete()
    Person.objects.all().delete()

    seed_people_and_referrals(30, seed=5, now=now)

    assert list(Referral.objects.order_by("pk").values_list(*fields)) == first


@pytest.mark.django_db
def test_seed_demo_gives_each_assigned_referral_its_allocation_and_no_other():
    """My work's New to me and the allocation history read ReferralAllocation rows: the
    demo writes one per assigned referral, to that practitioner, never in the future."""
    from django.utils import timezone

    from referrals.enums import AllocationKind
    from referrals.models import ReferralAllocation

    _run("seed_demo", "--referrals", "60", "--demo", "--seed", "5")

    assigned = dict(Referral.objects.exclude(assigned_to=None).values_list("pk", "assigned_to_id"))
    rows = list(ReferralAllocation.objects.values_list("referral_id", "assigned_to_id", "kind"))
    assert 0 < len(assigned) < 60  # some assigned, some waiting for allocation
    assert sorted((r, a) for r, a, _kind in rows) == sorted(assigned.items())
    assert {kind for *_rest, kind in rows} == {AllocationKind.ALLOCATION}
    assert not ReferralAllocation.objects.filter(allocated_at__gt=timezone.now()).exists()


@pytest.mark.django_db
@pytest.mark.parametrize("username", ["teamlead", "commissioner", "admin"])
def test_demo_install_signs_every_role_in_with_the_printed_password(username):
    import importlib

    from django.apps import apps
    from django.test import Client
    from django.urls import reverse

    from accounts.models import RolePolicy

    migration = importlib.import_module("accounts.migrations.0005_two_factor_required_by_default")
    migration.require_two_factor(apps, None)  # as a fresh database has it
    _run("seed_demo", "--referrals", "0")
    kept = set(RolePolicy.objects.filter(require_two_factor=True).values_list("role", flat=True))
    _run("seed_demo", "--referrals", "0", "--demo")
    client = Client()

    signed_in = client.post(
        reverse("accounts:login"), {"username": username, "password": DEMO_PASSWORD}
    )
    home = client.get(signed_in.url, follow=True)

    assert kept == {Role.ADMINISTRATOR, Role.COMMISSIONER, Role.TEAM_LEAD}  # not a demo
    assert home.status_code == 200
    assert reverse("accounts:two_factor_enrol") not in home.redirect_chain[-1][0]


def test_cyclic_gc_paused_for_a_step_and_back_on_after_it_even_when_it_fails():
    import gc

    from demo.management.commands.seed_demo import cyclic_gc_paused

    assert gc.isenabled()
    with pytest.raises(ZeroDivisionError), cyclic_gc_paused():
        during = gc.isenabled()
        1 / 0  # noqa: B018 - a step failing

    assert during is False
    assert gc.isenabled()


def test_cyclic_gc_paused_collects_the_cycles_a_step_left_behind():
    import gc
    import weakref

    from demo.management.commands.seed_demo import cyclic_gc_paused

    class Node:
        pass

    gc.collect()  # nothing of the suite's own waiting to be collected
    with cyclic_gc_paused():
        node = Node()
        node.itself = node  # a reference cycle: only the collector frees it
        left = weakref.ref(node)
        del node
        during = left() is not None

    assert during
    assert left() is None


def test_cyclic_gc_paused_leaves_a_collector_switched_off_by_the_caller_off():
    import gc

    from demo.management.commands.seed_demo import cyclic_gc_paused

    gc.disable()
    try:
        with cyclic_gc_paused():
            pass
        after = gc.isenabled()
    finally:
        gc.enable()

    assert after is False
