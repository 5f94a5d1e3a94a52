"""Build one day's reporting snapshot with set-based SQL (INSERT ... SELECT ... GROUP BY).

The aggregate queries are written with the ORM (so they run on SQLite and PostgreSQL
alike) and executed as `INSERT INTO <fact table> SELECT ... FROM (<aggregate>)`: the
database does the counting; no row is loaded into Python. The schema and the meaning of
every column are in reporting/models.py.

"As at the end of `day`" means: records received before the following London midnight
(`cutoff`), with their stage taken from their timestamps (screened_at, assessed_at,
closed_at) before the cutoff, so rebuilding an earlier day gives that day's figures.
"""

from collections.abc import Callable
from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.db import connection, transaction
from django.db.models import (
    BooleanField,
    Case,
    CharField,
    Count,
    DateField,
    F,
    Func,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import (
    Coalesce,
    ExtractDay,
    ExtractMonth,
    ExtractYear,
    TruncDate,
    TruncMonth,
)
from django.db.models.lookups import GreaterThan
from django.utils import timezone

from referrals.enums import ReferralStatus
from referrals.models import Referral

from .models import (
    AGE_BANDS,
    FACT_TABLES,
    DemographicFact,
    OutcomeFact,
    ReferralFact,
    RequirementFact,
    VulnerabilityFact,
)

# Extra builders registered by other modules (treatment requirements, outcomes): each
# takes (day, cutoff) and returns the number of rows it inserted.
EXTRA_BUILDERS: list[Callable[[date, datetime], int]] = []
SNAPSHOT_LOCK_KEY = 5_020_611  # any constant: serialises snapshot builds on PostgreSQL


def cutoff_for(day: date) -> datetime:
    """The London midnight that ends `day`, as an aware datetime."""
    return timezone.make_aware(datetime.combine(day + timedelta(days=1), time.min))


def month_of(field: str):
    return TruncMonth(TruncDate(field), output_field=DateField())


def insert_aggregate(model, day: date, queryset: QuerySet, columns: dict[str, str]) -> int:
    """INSERT the aggregate rows of `queryset` as `day`'s rows of `model`.

    `columns` maps each fact column to the name the queryset selects it as.
    """
    inner_sql, inner_params = queryset.order_by().query.sql_with_params()
    qn = connection.ops.quote_name
    picks = ", ".join(f"agg.{qn(alias)}" for alias in columns.values())
    select = f"SELECT %s, {picks} FROM ({inner_sql}) agg"  # noqa: S608
    return insert_rows(model, ["snapshot_date", *columns.keys()], select, [day, *inner_params])


def insert_rows(model, fields: list[str], select_sql: str, params: list) -> int:
    """INSERT INTO the model's table the rows of `select_sql` (its columns in `fields` order).

    On PostgreSQL the SELECT first fills a temporary table: INSERT ... SELECT never runs
    in parallel there, CREATE TABLE ... AS SELECT does (both cores count the million rows).
    Only quoted identifiers are formatted into the SQL; every value is a query parameter.
    """
    qn = connection.ops.quote_name
    table = qn(model._meta.db_table)
    targets = ", ".join(qn(model._meta.get_field(f).column) for f in fields)
    with connection.cursor() as cursor:
        if connection.vendor != "postgresql":
            cursor.execute(f"INSERT INTO {table} ({targets}) {select_sql}", params)  # noqa: S608
            return max(cursor.rowcount, 0)
        cursor.execute(f"CREATE TEMPORARY TABLE snapshot_rows ({targets}) AS {select_sql}", params)
        cursor.execute(f"INSERT INTO {table} ({targets}) SELECT * FROM snapshot_rows")  # noqa: S608
        inserted = cursor.rowcount
        cursor.execute("DROP TABLE snapshot_rows")
        return max(inserted, 0)


def _within_target(done_field: str) -> Q:
    """`done_field` set no later than the referral's timeliness target (by its source)."""
    q = Q(pk__in=[])
    for source, hours in settings.LD_TIMELINESS_TARGET_HOURS.items():
        deadline = F("received_at") + timedelta(hours=hours)
        q |= Q(source=source, **{f"{done_field}__lte": deadline})
    return q


def _past_target(cutoff: datetime) -> Q:
    q = Q(pk__in=[])
    for source, hours in settings.LD_TIMELINESS_TARGET_HOURS.items():
        q |= Q(source=source, received_at__lt=cutoff - timedelta(hours=hours))
    return q


def referrals_as_at(cutoff: datetime) -> QuerySet:
    """Referrals received before the cutoff, annotated with their stage at that moment."""
    closed = Q(status=ReferralStatus.CLOSED) & (Q(closed_at__lt=cutoff) | Q(closed_at__isnull=True))
    return Referral.objects.filter(received_at__lt=cutoff).annotate(
        f_month=month_of("received_at"),
        f_team=F("team_id"),
        f_stage=Case(
            When(closed, then=Value("closed")),
            When(assessed_at__lt=cutoff, then=Value("assessed")),
            When(screened_at__lt=cutoff, then=Value("screened")),
            default=Value("received"),
            output_field=CharField(),
        ),
    )


def build_referral_facts(day: date, cutoff: datetime) -> int:
    screened = Q(screened_at__lt=cutoff)
    assessed = Q(assessed_at__lt=cutoff)
    queryset = (
        referrals_as_at(cutoff)
        .annotate(
            f_site=F("site_id"),
            f_source=F("source"),
            f_closure=Case(
                When(f_stage="closed", then=F("closure_reason")),
                default=Value(""),
                output_field=CharField(),
            ),
        )
        .values("f_month", "f_team", "f_site", "f_source", "f_stage", "f_closure")
        .annotate(
            n_referrals=Count("pk"),
            n_screened=Count("pk", filter=screened),
            n_screened_in=Count("pk", filter=screened & _within_target("screened_at")),
            n_assessed=Count("pk", filter=assessed),
            n_assessed_in=Count("pk", filter=assessed & _within_target("assessed_at")),
            n_overdue=Count(
                "pk", filter=Q(f_stage__in=["received", "screened"]) & _past_target(cutoff)
            ),
        )
    )
    columns = {
        "month": "f_month",
        "team": "f_team",
        "site": "f_site",
        "source": "f_source",
        "stage": "f_stage",
        "closure_reason": "f_closure",
        "referrals": "n_referrals",
        "screened": "n_screened",
        "screened_within_target": "n_screened_in",
        "assessed": "n_assessed",
        "assessed_within_target": "n_assessed_in",
        "overdue": "n_overdue",
    }
    return insert_aggregate(ReferralFact, day, queryset, columns)


def age_on_referral():
    """Whole years of age on the (London) day of referral, as an integer expression."""
    if connection.vendor == "postgresql":
        # AGE() on dates is far cheaper than the portable EXTRACT arithmetic below.
        age = Func(TruncDate("received_at"), F("person__date_of_birth"), function="AGE")
        return Func(
            age, template="date_part('year', %(expressions)s)::int", output_field=IntegerField()
        )
    referral_md = ExtractMonth("received_at") * 100 + ExtractDay("received_at")
    birth_md = ExtractMonth("person__date_of_birth") * 100 + ExtractDay("person__date_of_birth")
    before_birthday = Case(
        When(GreaterThan(birth_md, referral_md), then=Value(1)),
        default=Value(0),
        output_field=IntegerField(),
    )
    return ExtractYear("received_at") - ExtractYear("person__date_of_birth") - before_birthday


AGE_BAND_BOUNDS = [18, 25, 35, 45, 55, 65]


def build_demographic_facts(day: date, cutoff: datetime) -> int:
    """Who was referred, by gender, age band and ethnic group.

    Two levels, so the (costly) age is computed once per referral: the inner query gives
    one row per referral with its age; the outer one bands and counts them.
    """
    # IN (subquery) is planned as one hashed set, not one index probe per referral.
    vulnerable = Referral.vulnerabilities.through.objects.values("referral_id")
    has_vulnerability = Case(
        When(pk__in=vulnerable, then=Value(True)),
        default=Value(False),
        output_field=BooleanField(),
    )
    rows = (
        referrals_as_at(cutoff)
        .annotate(
            a_age=age_on_referral(),
            f_gender=F("person__gender"),
            f_ethnicity=Coalesce(
                F("person__ethnicity__group"), Value("Not stated"), output_field=CharField()
            ),
            f_person=F("person_id"),
            f_veteran=F("person__is_veteran"),
            f_vulnerable=has_vulnerability,
        )
        .values(
            "f_month",
            "f_team",
            "f_gender",
            "a_age",
            "f_ethnicity",
            "f_person",
            "f_veteran",
            "f_vulnerable",
        )
        .order_by()
    )
    inner_sql, inner_params = rows.query.sql_with_params()
    qn = connection.ops.quote_name
    whens = " ".join(f"WHEN r.{qn('a_age')} < %s THEN %s" for _ in AGE_BAND_BOUNDS)
    band_params = [
        value
        for bound, (code, _label) in zip(AGE_BAND_BOUNDS, AGE_BANDS, strict=False)
        for value in (bound, code)
    ]
    dims = ["f_month", "f_team", "f_gender", "f_band", "f_ethnicity"]
    picks = ", ".join(f"b.{qn(d)}" for d in dims)
    select = (
        f"SELECT %s, {picks}, COUNT(*), COUNT(DISTINCT b.{qn('f_person')}), "  # noqa: S608
        f"SUM(CASE WHEN b.{qn('f_veteran')} THEN 1 ELSE 0 END), "
        f"SUM(CASE WHEN b.{qn('f_vulnerable')} THEN 1 ELSE 0 END) "
        f"FROM (SELECT r.*, CASE {whens} ELSE %s END AS {qn('f_band')} "
        f"FROM ({inner_sql}) r) b GROUP BY {picks}"
    )
    fields = [
        "snapshot_date",
        "month",
        "team",
        "gender",
        "age_band",
        "ethnicity_group",
        "referrals",
        "people",
        "veterans",
        "with_vulnerability",
    ]
    params = [day, *band_params, AGE_BANDS[-1][0], *inner_params]
    return insert_rows(DemographicFact, fields, select, params)


def build_vulnerability_facts(day: date, cutoff: datetime) -> int:
    through = Referral.vulnerabilities.through
    queryset = (
        through.objects.filter(referral__received_at__lt=cutoff)
        .annotate(
            f_month=month_of("referral__received_at"),
            f_team=F("referral__team_id"),
            f_code=F("vulnerability__code"),
        )
        .values("f_month", "f_team", "f_code")
        .annotate(n_referrals=Count("referral_id"))
    )
    columns = {
        "month": "f_month",
        "team": "f_team",
        "vulnerability": "f_code",
        "referrals": "n_referrals",
    }
    return insert_aggregate(VulnerabilityFact, day, queryset, columns)


def _count_of(queryset, ref="pk"):
    """A correlated COUNT(*) of `queryset` rows (already filtered by OuterRef), 0 if none."""
    counted = queryset.order_by().values(ref).annotate(c=Count("pk")).values("c")
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


def build_requirement_facts(day: date, cutoff: datetime) -> int:
    """Requirements of orders made by `day`, with compliance counted per requirement.

    Warnings and breaches belong to the order: they are counted in the row of each of the
    order's requirements (see the schema in reporting/models.py).
    """
    from treatment_requirements.enums import AppointmentOutcome as A
    from treatment_requirements.enums import TerminationReason
    from treatment_requirements.models import (
        Appointment,
        BreachReferral,
        FormalWarning,
        OrderRequirement,
    )

    appointments = Appointment.objects.filter(requirement=OuterRef("pk"), starts_at__lt=cutoff)
    ended = Q(order__terminated_on__isnull=False, order__terminated_on__lte=day)
    completed = ended & Q(
        order__termination_reason__in=[
            TerminationReason.COMPLETED,
            TerminationReason.REVOKED_GOOD_PROGRESS,
        ]
    )
    queryset = (
        OrderRequirement.objects.filter(order__made_on__lte=day)
        .annotate(
            f_month=TruncMonth("order__made_on", output_field=DateField()),
            f_team=F("order__probation_team_id"),
            f_type=F("kind"),
            f_status=Case(
                When(ended, then=F("order__termination_reason")),
                default=Value("active"),
                output_field=CharField(),
            ),
            a_appointments=_count_of(appointments, "requirement"),
            a_attended=_count_of(
                appointments.filter(outcome__in=[A.ATTENDED_COMPLIED, A.ATTENDED_FAILED]),
                "requirement",
            ),
            a_missed=_count_of(
                appointments.filter(outcome__in=[A.ACCEPTABLE_ABSENCE, A.UNACCEPTABLE_ABSENCE]),
                "requirement",
            ),
            a_warnings=_count_of(
                FormalWarning.objects.filter(order=OuterRef("order_id"), given_on__lte=day), "order"
            ),
            a_breaches=_count_of(
                BreachReferral.objects.filter(order=OuterRef("order_id"), referred_on__lte=day),
                "order",
            ),
        )
        .values("f_month", "f_team", "f_type", "f_status")
        .annotate(
            n_requirements=Count("pk"),
            n_appointments=Sum("a_appointments"),
            n_attended=Sum("a_attended"),
            n_missed=Sum("a_missed"),
            n_warnings=Sum("a_warnings"),
            n_breaches=Sum("a_breaches"),
            n_completed=Count("pk", filter=completed),
        )
    )
    columns = {
        "month": "f_month",
        "team": "f_team",
        "requirement_type": "f_type",
        "status": "f_status",
        "requirements": "n_requirements",
        "appointments": "n_appointments",
        "attended": "n_attended",
        "missed": "n_missed",
        "warnings": "n_warnings",
        "breaches": "n_breaches",
        "completed": "n_completed",
    }
    return insert_aggregate(RequirementFact, day, queryset, columns)


def _outcome_rows(day, queryset, *, measure, month_field, team_field, category) -> int:
    grouped = (
        queryset.annotate(
            f_month=TruncMonth(month_field, output_field=DateField()),
            f_team=F(team_field),
            f_measure=Value(measure, output_field=CharField()),
            f_category=category,
        )
        .values("f_month", "f_team", "f_measure", "f_category")
        .annotate(n=Count("pk"))
    )
    columns = {
        "month": "f_month",
        "team": "f_team",
        "measure": "f_measure",
        "category": "f_category",
        "count": "n",
    }
    return insert_aggregate(OutcomeFact, day, grouped, columns)


def build_outcome_facts(day: date, cutoff: datetime) -> int:
    """Onward referrals and attendance, orders by end state, warnings, breaches, reoffending."""
    from assessments.enums import OnwardOutcome
    from assessments.models import OnwardReferral
    from treatment_requirements.enums import BreachOutcome
    from treatment_requirements.models import BreachReferral, FormalWarning, Order, ReoffendingEvent

    onward = OnwardReferral.objects.filter(referred_on__lte=day)
    orders = Order.objects.filter(made_on__lte=day)
    on_referral_team = {"month_field": "referred_on", "team_field": "referral__team_id"}
    on_order = {"month_field": "order__made_on", "team_field": "order__probation_team_id"}
    rows = _outcome_rows(
        day, onward, measure="onward_referral", category=F("service"), **on_referral_team
    )
    rows += _outcome_rows(
        day,
        onward.filter(outcome=OnwardOutcome.ATTENDED, outcome_on__lte=day),
        measure="onward_attended",
        category=F("service"),
        **on_referral_team,
    )
    rows += _outcome_rows(
        day,
        orders,
        measure="orders",
        month_field="made_on",
        team_field="probation_team_id",
        category=Case(
            When(terminated_on__lte=day, then=F("termination_reason")),
            default=Value("active"),
            output_field=CharField(),
        ),
    )
    rows += _outcome_rows(
        day,
        FormalWarning.objects.filter(given_on__lte=day),
        measure="warnings",
        category=Value(""),
        **on_order,
    )
    rows += _outcome_rows(
        day,
        BreachReferral.objects.filter(referred_on__lte=day),
        measure="breaches",
        category=Case(
            When(outcome_on__lte=day, then=F("outcome")),
            default=Value(BreachOutcome.PENDING),
            output_field=CharField(),
        ),
        **on_order,
    )
    on_follow_up = {"month_field": "occurred_on", "team_field": "referral__team_id"}
    rows += _outcome_rows(
        day,
        Referral.objects.filter(reoffending_checked_on__lte=day),
        measure="reoffending_checked",
        month_field="reoffending_checked_on",
        team_field="team_id",
        category=Value(""),
    )
    rows += _outcome_rows(
        day,
        ReoffendingEvent.objects.filter(occurred_on__lte=day),
        measure="reoffending",
        category=F("kind"),
        **on_follow_up,
    )
    return rows


BUILDERS = [
    build_referral_facts,
    build_demographic_facts,
    build_vulnerability_facts,
    build_requirement_facts,
    build_outcome_facts,
]


@transaction.atomic
def rebuild_day(day: date) -> int:
    """Replace `day`'s snapshot in every fact table; return the rows written."""
    cutoff = cutoff_for(day)
    if connection.vendor == "postgresql":
        # Two runs at once (a second beat, a manual command) take turns, so neither
        # inserts alongside the other's rows; SQLite serialises writers anyway.
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [SNAPSHOT_LOCK_KEY])
            # JIT compiling these wide CASE expressions costs more than it saves; the
            # sorts and hashes of a million rows fit in memory with a larger work_mem.
            cursor.execute("SET LOCAL jit = off")
            cursor.execute("SET LOCAL work_mem = '256MB'")
    for model in FACT_TABLES:
        model.objects.filter(snapshot_date=day).delete()
    return sum(build(day, cutoff) for build in [*BUILDERS, *EXTRA_BUILDERS])
