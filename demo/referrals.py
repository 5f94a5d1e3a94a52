"""Synthetic people and referrals for demos and benchmarks (never a real person's data).

Fast: everything is generated in memory from one seeded random generator, then written
with demo.bulk (COPY on PostgreSQL, else bulk_create): people, referrals, status history,
vulnerabilities through rows. The same seed on the same day gives the same data.
"""

import datetime
import itertools
import random
from collections import defaultdict
from dataclasses import dataclass

from django.db import connection, transaction
from django.db.models import Max
from django.utils import timezone

from accounts.enums import Role
from accounts.models import Team, User
from demo.bulk import (
    PlainRow,
    built,
    indexes_built_after,
    insert_plain_rows,
    insert_rows,
    plain_row_class,
)
from demo.generate import weighted_picker
from demo.population import (
    AGE_WEIGHTS,
    ANY_NAMES,
    CLOSURE_WEIGHTS,
    ETHNICITY_WEIGHTS,
    FAMILY_NAMES,
    FEMALE_NAMES,
    GENDER_WEIGHTS,
    MALE_NAMES,
    POSTCODES,
    PROGRESS_WEIGHTS,
    REASONS,
    REFERRERS,
    SITE_KINDS_FOR_SOURCE,
    SOURCE_WEIGHTS,
    TODAY_ARRIVALS,
    URGENCY_WEIGHTS,
    VULNERABILITY_WEIGHTS,
)
from referrals.enums import AllocationKind, ClosureReason, Gender, ReferralSource, ReferralStatus
from referrals.identifiers import cro_check_letter, nhs_check_digit, pnc_check_letter
from referrals.models import (
    Ethnicity,
    OffenceCategory,
    Person,
    Referral,
    ReferralAllocation,
    ReferralStatusChange,
    Vulnerability,
)
from referrals.pathway import URGENCY_ORDER, due_at
from referrals.work_order import refresh_work_order

PEOPLE_PER_REFERRAL = 0.75  # about one person in four is referred more than once
ALLOCATED_AFTER = datetime.timedelta(minutes=20)  # from arrival to the demo allocation

GENDER = weighted_picker(GENDER_WEIGHTS.items())
AGE = weighted_picker(AGE_WEIGHTS.items())
SOURCE = weighted_picker(SOURCE_WEIGHTS.items())
URGENCY = weighted_picker(URGENCY_WEIGHTS.items())
CLOSURE = weighted_picker(CLOSURE_WEIGHTS.items())
PROGRESS = {band: weighted_picker(w.items()) for band, w in PROGRESS_WEIGHTS.items()}
VULNERABILITY_COUNT = weighted_picker(zip([0, 1, 2, 3, 4], [10, 35, 30, 18, 7], strict=True))
# The cumulative weights worked out once: the same draws as weights=... (weighted_picker).
VULNERABILITY_CODES = list(VULNERABILITY_WEIGHTS)
VULNERABILITY_CUMULATIVE = list(itertools.accumulate(VULNERABILITY_WEIGHTS.values()))
# Rows, not model instances (demo.bulk.PlainRow): a model instance costs several times more.
PERSON_ROW = plain_row_class(Person)
REFERRAL_ROW = plain_row_class(Referral)
URGENCY_RANK = {urgency: rank for rank, urgency in enumerate(URGENCY_ORDER)}


@dataclass
class _TeamInfo:
    team: Team
    sites_by_kind: dict
    all_sites: list
    staff: list
    postcodes: list
    authorities: list


class _Generator:
    def __init__(self, *, seed: int, now: datetime.datetime):
        self.rng = random.Random(seed)  # noqa: S311 - seeded, repeatable demo data, not a secret  # nosec B311
        self.now = now
        self.today = timezone.localdate(now)
        self.ethnicities = {e.code: e.pk for e in Ethnicity.objects.all()}
        self.ethnicity = weighted_picker(
            (code, w) for code, w in ETHNICITY_WEIGHTS.items() if code in self.ethnicities
        )
        self.offences = list(OffenceCategory.objects.values_list("pk", flat=True))
        self.vulnerabilities = {v.code: v.pk for v in Vulnerability.objects.all()}
        self.nhs_serial = _next_nhs_serial()
        offset = (Person.objects.aggregate(m=Max("pk"))["m"] or 0) + 1
        self.identifier_serial = 100_000 + offset
        self.case_serial = (Referral.objects.aggregate(m=Max("pk"))["m"] or 0) + 1

    def next_nhs_number(self) -> str:
        while True:
            first_nine = f"9{self.nhs_serial:08d}"
            self.nhs_serial += 1
            check = nhs_check_digit(first_nine)
            if check is not None:
                return f"{first_nine}{check}"

    def person(self, info: _TeamInfo) -> PlainRow:
        rng = self.rng
        gender = GENDER(rng)
        given = rng.choice(FEMALE_NAMES if gender == Gender.FEMALE else MALE_NAMES)
        family = rng.choice(FAMILY_NAMES)
        age = AGE(rng)
        age += rng.randint(0, 8 if age >= 21 else 0)
        dob = self.today - datetime.timedelta(days=age * 365 + rng.randint(0, 364))
        serial = self.identifier_serial
        self.identifier_serial += 1
        pnc = cro = None
        if rng.random() < 0.6:
            year = min(dob.year + rng.randint(14, 30), self.today.year)
            pnc_serial = serial % 10_000_000
            pnc = f"{year}/{pnc_serial:07d}{pnc_check_letter(year, pnc_serial)}"
            if rng.random() < 0.5:
                cro_serial = serial % 1_000_000
                cro = f"{cro_serial:06d}/{year % 100:02d}{cro_check_letter(year, cro_serial)}"
        person = PERSON_ROW(
            given_name=given,
            family_name=family,
            date_of_birth=dob,
            gender=gender,
            ethnicity_id=self.ethnicities.get(self.ethnicity(rng)),
            nhs_number=self.next_nhs_number() if rng.random() < 0.85 else None,
            pnc_id=pnc,
            cro_number=cro,
            postcode_district=rng.choice(info.postcodes) if rng.random() < 0.8 else "",
            local_authority=rng.choice(info.authorities),
            is_veteran=rng.random() < 0.05,
            is_care_leaver=rng.random() < 0.08,
            is_no_fixed_abode=rng.random() < 0.1,
            has_dependent_children=rng.random() < 0.25,
            needs_interpreter=rng.random() < 0.04,
            team_id=info.team.pk,
            created_by_id=rng.choice(info.staff).pk,
        )
        Person.refresh_search_names(person)
        return person

    def referral(self, person: PlainRow, info: _TeamInfo) -> tuple[PlainRow, list]:
        rng = self.rng
        source = SOURCE(rng)
        kinds = SITE_KINDS_FOR_SOURCE.get(source, [])
        sites = next((info.sites_by_kind[k] for k in kinds if info.sites_by_kind.get(k)), None)
        site = rng.choice(sites or info.all_sites)
        # Skewed towards recent months, spread over two years.
        age = datetime.timedelta(minutes=int(730 * 24 * 60 * rng.random() ** 1.6))
        received = self.now - age
        role, organisation, title = REFERRERS[source]
        referrer = f"{title} {rng.choice(ANY_NAMES)} {rng.choice(FAMILY_NAMES)}"
        prefix = "CUST" if source in SITE_KINDS_FOR_SOURCE and "court" not in source else "CASE"
        reference = f"{prefix}/{received:%y}/{self.case_serial:07d}"
        self.case_serial += 1
        staff = rng.choice(info.staff)
        referral = REFERRAL_ROW(
            person_id=person.pk,
            team_id=info.team.pk,
            source=source,
            site_id=site.pk,
            received_at=received,
            referrer_name=referrer.strip(),
            referrer_role=role,
            referrer_organisation=organisation,
            case_reference=reference if source in SITE_KINDS_FOR_SOURCE else "",
            offence_category_id=rng.choice(self.offences) if rng.random() < 0.85 else None,
            reason=rng.choice(REASONS),
            urgency=URGENCY(rng),
            assigned_to_id=staff.pk if rng.random() < 0.7 else None,
            created_by_id=staff.pk,
        )
        Referral.refresh_reoffending_due(referral)  # bulk inserts skip save()
        history = self._progress(referral, age)
        return referral, history

    def arrival(self, person: PlainRow, info: _TeamInfo, arrival) -> tuple[PlainRow, list]:
        """A referral received today (TODAY_ARRIVALS), not yet screened."""
        minutes, source, urgency, assignee = arrival
        referral, _history = self.referral(person, info)
        since_midnight = self.now - datetime.datetime.combine(
            timezone.localdate(self.now), datetime.time.min, tzinfo=self.now.tzinfo
        )
        age = min(datetime.timedelta(minutes=minutes), max(since_midnight, datetime.timedelta()))
        if minutes <= 60:
            age = datetime.timedelta(minutes=minutes)  # within the last hour, whatever the time
        kinds = SITE_KINDS_FOR_SOURCE.get(source, [])
        sites = next((info.sites_by_kind[k] for k in kinds if info.sites_by_kind.get(k)), None)
        referral.source = source
        referral.site_id = (sites or info.all_sites)[0].pk
        referral.received_at = self.now - age
        referral.urgency = urgency
        role, organisation, _title = REFERRERS[source]
        referral.referrer_role, referral.referrer_organisation = role, organisation
        prefix = "CUST" if source == ReferralSource.POLICE_CUSTODY else "CASE"
        referral.case_reference = f"{prefix}/{referral.received_at:%y}/{self.case_serial - 1:07d}"
        referral.case_reference = referral.case_reference if kinds else ""
        staff = next((u for u in info.staff if u.username == assignee), None)
        referral.assigned_to_id = staff.pk if staff else None
        referral.status = ReferralStatus.RECEIVED
        referral.screened_at = referral.assessed_at = referral.closed_at = None
        referral.closure_reason = ""
        Referral.refresh_reoffending_due(referral)
        return referral, [("", ReferralStatus.RECEIVED, referral.received_at, "Referral received")]

    def _progress(self, referral: PlainRow, age: datetime.timedelta) -> list:
        """Move the referral along the pathway according to its age; return history steps."""
        rng = self.rng
        days = age.total_seconds() / 86400
        band = "old" if days > 60 else ("recent" if days > 7 else "new")
        final = PROGRESS[band](rng)
        steps = [("", ReferralStatus.RECEIVED, referral.received_at, "Referral received")]
        when = referral.received_at
        span = max(age.total_seconds(), 60)
        path = {
            "received": [],
            "screened": ["screened"],
            "assessed": ["screened", "assessed"],
            "closed": rng.choice([["screened", "assessed"], ["screened"], []]) + ["closed"],
        }[final]
        previous = ReferralStatus.RECEIVED
        for status in path:
            when = when + datetime.timedelta(seconds=rng.uniform(0.05, 0.3) * span)
            when = min(when, self.now)
            reason = ""
            if status == "screened":
                referral.screened_at = when
            elif status == "assessed":
                referral.assessed_at = when
            else:
                referral.closure_reason = CLOSURE(rng)
                referral.closed_at = when
                reason = ClosureReason(referral.closure_reason).label
            steps.append((previous, status, when, reason))
            previous = status
        referral.status = previous
        return steps

    def vulnerability_ids(self) -> set:
        count = VULNERABILITY_COUNT(self.rng)
        codes = self.rng.choices(VULNERABILITY_CODES, cum_weights=VULNERABILITY_CUMULATIVE, k=count)
        return {self.vulnerabilities[c] for c in codes if c in self.vulnerabilities}


def _next_nhs_serial() -> int:
    highest = Person.objects.filter(nhs_number__startswith="9").aggregate(m=Max("nhs_number"))["m"]
    return int(highest[1:9]) + 1 if highest else 0


def _team_infos() -> list[_TeamInfo]:
    infos = []
    for team_name, (postcodes, authorities) in POSTCODES.items():
        team = Team.objects.filter(name=team_name).first()
        if team is None:
            continue
        sites = list(team.sites.filter(is_active=True))
        staff = list(User.objects.filter(team=team, role__in=[Role.PRACTITIONER, Role.TEAM_LEAD]))
        if not sites or not staff:
            continue
        by_kind = defaultdict(list)
        for site in sites:
            by_kind[site.kind].append(site)
        infos.append(_TeamInfo(team, by_kind, sites, staff, postcodes, authorities))
    return infos


@transaction.atomic
def seed_people_and_referrals(n: int, *, seed: int = 2026, now=None) -> dict:
    """Create about 0.75 * n people and n referrals across the demo L&D teams.

    Needs demo.accounts.seed_teams_and_users() first. Returns counts of what was created.
    """
    infos = _team_infos()
    if not infos or n <= 0:
        return {"people": 0, "referrals": 0, "status_changes": 0}
    now = now or timezone.now().replace(second=0, microsecond=0)
    gen = _Generator(seed=seed, now=now)
    tables = [
        Person,
        Referral,
        ReferralStatusChange,
        ReferralAllocation,
        Referral.vulnerabilities.through,
    ]
    with indexes_built_after(*tables):
        people, owners = _people(gen, infos, n, now)
        built(Person)  # while the referrals are generated
        referrals, histories, vulnerabilities = _referrals(gen, infos, people, owners, n)
        insert_plain_rows(Referral, referrals, now)
        built(Referral)  # its foreign keys checked while the history is generated
        changes = _status_changes(referrals, histories)
        _allocations(referrals, now)
        links = [
            (referral.pk, vulnerability_id)
            for referral, ids in zip(referrals, vulnerabilities, strict=True)
            for vulnerability_id in ids
        ]
        insert_rows(Referral.vulnerabilities.through, ["referral_id", "vulnerability_id"], links)
    return {"people": len(people), "referrals": len(referrals), "status_changes": changes}


def _people(gen, infos, n, now) -> tuple[list[PlainRow], list[_TeamInfo]]:
    """Write about PEOPLE_PER_REFERRAL * n people; return them and each one's team."""
    team_weights = [3, 2][: len(infos)] + [1] * max(0, len(infos) - 2)
    team = weighted_picker(zip(infos, team_weights, strict=True))
    people, owners = [], []
    for index in range(max(1, int(n * PEOPLE_PER_REFERRAL))):
        # The first person is the first team's: today's arrivals (TODAY_ARRIVALS) are
        # its referrals, however few are seeded.
        info = infos[0] if index == 0 else team(gen.rng)
        people.append(gen.person(info))
        owners.append(info)
    insert_plain_rows(Person, people, now)
    return people, owners


def _referrals(gen, infos, people, owners, n) -> tuple[list[PlainRow], list, list]:
    """n referrals (not yet written) of the people, today's arrivals last, with each one's
    history steps and vulnerability ids."""
    referrals, histories, vulnerabilities = [], [], []
    arrivals = TODAY_ARRIVALS[:n]
    first_team = [slot for slot, owner in enumerate(owners) if owner is infos[0]]
    for index in range(n):
        arrival = index - (n - len(arrivals))
        if arrival >= 0 and first_team:
            slot = gen.rng.choice(first_team)
            referral, history = gen.arrival(people[slot], owners[slot], arrivals[arrival])
        else:
            slot = index if index < len(people) else gen.rng.randrange(len(people))
            referral, history = gen.referral(people[slot], owners[slot])
        _work_order_head_start(referral)
        referrals.append(referral)
        histories.append(history)
        vulnerabilities.append(gen.vulnerability_ids())
    return referrals, histories, vulnerabilities


def _work_order_head_start(referral: PlainRow) -> None:
    """The keys of "most urgent first" as they are before any screening or risk flag: the
    referral's own urgency's rank, pathway.due_at. A head start only: the last step's
    UPDATE (referrals.work_order, the rule) stores them all, but it rewrites only the
    referrals whose keys it changes (those of people the risk register marks at risk),
    not every one (each rewrite a new row version, which VACUUM then clears)."""
    referral.urgency_rank = URGENCY_RANK.get(referral.urgency, len(URGENCY_ORDER))
    referral.due_at = due_at(
        source=referral.source, status=referral.status, received_at=referral.received_at
    )


def _status_changes(referrals, histories) -> int:
    """Write each referral's status history; return how many rows."""
    changes = [
        (
            referral.pk,
            from_status,
            to_status,
            reason,
            referral.assigned_to_id or referral.created_by_id,
            when,
        )
        for referral, history in zip(referrals, histories, strict=True)
        for from_status, to_status, when, reason in history
    ]
    insert_rows(
        ReferralStatusChange,
        ["referral_id", "from_status", "to_status", "reason", "changed_by_id", "changed_at"],
        changes,
    )
    return len(changes)


def _allocations(referrals, now):
    """Each assigned referral's allocation (as intake writes it), a few minutes after it
    arrived: My work's New to me and the allocation history read these rows."""
    insert_rows(
        ReferralAllocation,
        [
            "referral_id",
            "assigned_to_id",
            "team_id",
            "kind",
            "reason",
            "allocated_at",
            "allocated_by_id",
        ],  # fmt: skip
        (
            (
                referral.pk,
                referral.assigned_to_id,
                referral.team_id,
                AllocationKind.ALLOCATION,
                "",
                min(referral.received_at + ALLOCATED_AFTER, now),
                referral.created_by_id,
            )
            for referral in referrals
            if referral.assigned_to_id
        ),
    )


def seed_demo_step(*, referrals: int, seed: int, password: str | None) -> str:
    """seed_demo step: people and referrals with their history."""
    counts = seed_people_and_referrals(referrals, seed=seed)
    return (
        f"People: {counts['people']}, referrals: {counts['referrals']}, "
        f"status changes: {counts['status_changes']}"
    )


def work_order_step(*, referrals: int, seed: int, password: str | None) -> str:
    """Last seed_demo step: every referral's keys of "most urgent first" (work_order), once
    every app's screenings and risk flags are in (bulk inserts pass no service).

    The UPDATE rewrites the referrals whose keys differ from their head start (about two in
    five: the people at risk), with the table's indexes dropped first and built again after
    (updating each index row by row cost five times as much). seed_demo runs it before the
    referral table's indexes are first built (indexes_built_once_after): then there are none
    to drop here. The foreign keys stay: it changes none of them, and validating each again
    was a join over the table. Its plan is short and runs once: no JIT."""
    with transaction.atomic(), indexes_built_after(Referral, filled_too=True, foreign_keys=False):
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL jit = off")
        changed = refresh_work_order(Referral.objects.all())
    return f"Most urgent first: keys stored ({changed} referrals rewritten)"
