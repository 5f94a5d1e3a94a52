"""The treatment pathway's figures (known_data.py `build_pathway_data`: orders, appointments,
outcome measures, onward referrals, reoffending) equal a direct count, and every table
exports exactly what the screen shows."""

import csv
import io
from collections import Counter

from django.urls import reverse
from openpyxl import load_workbook

from .screens import dashboard_table


def test_pathway_funnel_equals_direct_count(fenland_lead_client, pathway_data):
    from treatment_requirements.models import Order, Recommendation

    in_period = pathway_data.counted().filter(
        team=pathway_data.team_a, received_at__date__gte="2025-12-01"
    )

    shown = dashboard_table(fenland_lead_client, "funnel")

    assert (
        shown["Recommended for a treatment requirement"][0]
        == (Recommendation.objects.filter(referral__in=in_period).count())
        == 3
    )
    assert shown["Order made with a treatment requirement"] == [
        Order.objects.filter(referral__in=in_period).count(),
        9,
    ]
    assert shown["Order completed"] == [1, 5]


def test_requirements_by_type_equal_direct_count(fenland_lead_client, pathway_data):
    from treatment_requirements.models import OrderRequirement

    direct = Counter(
        OrderRequirement.objects.filter(
            order__referral__received_at__date__gte="2025-12-01"
        ).values_list("kind", flat=True)
    )

    shown = dashboard_table(fenland_lead_client, "requirements")

    assert direct == {"mhtr_primary": 1, "atr": 1, "drr": 1}
    assert shown["Mental health treatment requirement (primary care)"] == [1]
    assert shown["Alcohol treatment requirement"] == [1]
    assert shown["Drug rehabilitation requirement"] == [1]
    assert shown["Mental health treatment requirement (secondary care)"] == [0]
    assert shown["Orders combining two or more treatment requirements"] == [1]


def test_compliance_and_endings_equal_direct_count(fenland_lead_client, pathway_data):
    compliance = dashboard_table(fenland_lead_client, "compliance")
    endings = dashboard_table(fenland_lead_client, "order-endings")

    # 4 appointments with an outcome before the snapshot (rescheduled and unrecorded left out).
    assert compliance["Appointments with an outcome recorded"] == [4]
    assert compliance["Appointments kept (attended and complied)"] == [3]
    assert compliance["Share of appointments kept (%)"] == [75]
    assert compliance["Unacceptable absence"] == [1]
    assert compliance["Warnings given"] == [1]
    assert compliance["Breach referrals"] == [0]
    assert endings["Completed"] == [1, 100]


def test_outcome_measures_use_stated_thresholds(fenland_lead_client, pathway_data):
    response = fenland_lead_client.get(reverse("reporting:dashboard"))
    shown = {r[0]: r[1:] for r in response.context["dashboard"].table("outcome-measures").rows}

    assert shown["PHQ-9"] == ["Fall of 5 or more points", 1, 1, 100]  # 17 -> 8
    assert shown["GAD-7"] == ["Fall of 4 or more points", 1, 0, 0]  # 10 -> 8
    assert shown["AUDIT"] == ["Fall of 5 or more points", 0, 0, "-"]
    assert "Fall of 5 or more points" in response.text


def test_reoffending_counts_rearrest_within_12_months(fenland_lead_client, pathway_data):
    shown = dashboard_table(fenland_lead_client, "reoffending", period="last-24-months")

    assert shown["Referrals whose 12 months have ended"] == [2]
    assert shown["Re-arrested or reconvicted within the 12 months"] == [1]
    assert shown["Share re-arrested or reconvicted (%)"] == [50]


def test_onward_referrals_equal_direct_count(fenland_lead_client, pathway_data):
    shown = dashboard_table(fenland_lead_client, "onward-referrals")

    assert shown == {"GP": [1, 1, 100], "Housing": [1, 0, 0]}


def test_commissioner_sees_pathway_figures_suppressed(commissioner_client, pathway_data):
    funnel = dashboard_table(commissioner_client, "funnel")
    outcomes = dashboard_table(commissioner_client, "outcome-measures")

    assert funnel["Order made with a treatment requirement"] == ["*", "*"]
    assert outcomes["PHQ-9"] == ["Fall of 5 or more points", "*", "*", "*"]


def test_every_table_exports_exactly_the_figures_on_screen(commissioner_client, pathway_data):
    page = commissioner_client.get(reverse("reporting:dashboard"), {"period": "last-24-months"})
    workbook = load_workbook(
        io.BytesIO(
            commissioner_client.get(
                reverse("reporting:export_workbook"), {"period": "last-24-months"}
            ).content
        )
    )

    for sheet, table in zip(workbook.worksheets, page.context["dashboard"].tables, strict=True):
        response = commissioner_client.get(
            reverse("reporting:export_table", args=[table.key, "csv"]),
            {"period": "last-24-months"},
        )
        csv_rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
        xlsx_rows = [list(row) for row in sheet.iter_rows(values_only=True)]
        for row in table.rows + ([table.total_row] if table.total_row else []):
            assert [str(cell) for cell in row] in csv_rows, (table.key, row)
            as_stored = [None if cell == "" else cell for cell in row]  # empty cells
            assert as_stored in [r[: len(row)] for r in xlsx_rows], (table.key, row)
