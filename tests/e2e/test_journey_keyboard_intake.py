"""The intake form completed with the keyboard alone: Tab forwards through the fields in a
sensible order, typing, arrow keys for radios, Space for checkboxes, type-ahead in selects,
Enter to submit. Each focused control must show a visible focus indicator (WCAG 2.4.7)."""

import pytest
from playwright.sync_api import expect

from referrals.models import Referral

from .axe import assert_no_serious_violations

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

MAX_TABS = 120
_FOCUS_VISIBLE = """() => {
  const el = document.activeElement;
  const style = getComputedStyle(el);
  const outline = style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0;
  const shadow = style.boxShadow && style.boxShadow !== 'none';
  const label = el.id ? document.querySelector(`label[for="${el.id}"]`) : null;
  const labelShadow = label && getComputedStyle(label, '::before').boxShadow !== 'none';
  return outline || shadow || Boolean(labelShadow) || style.backgroundColor === 'rgb(255, 221, 0)';
}"""


def _active(page, prop: str):
    return page.evaluate(f"() => document.activeElement && document.activeElement.{prop}")


def tab_to(page, element_id: str):
    """Press Tab (forwards only) until the element with this id has the focus."""
    for _ in range(MAX_TABS):
        page.keyboard.press("Tab")
        if _active(page, "id") == element_id:
            assert page.evaluate(_FOCUS_VISIBLE), f"no visible focus indicator on #{element_id}"
            return
    raise AssertionError(f"#{element_id} was never reached with Tab (focus order or a trap)")


def type_into(page, element_id: str, text: str):
    tab_to(page, element_id)
    page.keyboard.type(text)


def choose_radio(page, label: str):
    """Tab into the radio group, then arrow to the option (arrows also select it)."""
    target = page.get_by_label(label, exact=True).get_attribute("id")
    name = page.get_by_label(label, exact=True).get_attribute("name")
    for _ in range(MAX_TABS):
        page.keyboard.press("Tab")
        if _active(page, "name") == name:
            break
    for _ in range(20):
        if _active(page, "id") == target:
            page.keyboard.press("Space")
            return
        page.keyboard.press("ArrowDown")
    raise AssertionError(f"could not reach the option {label!r} with the arrow keys")


def tick(page, label: str):
    tab_to(page, page.get_by_label(label, exact=True).get_attribute("id"))
    page.keyboard.press("Space")


def select_by_typing(page, element_id: str, option_text: str):
    tab_to(page, element_id)
    page.keyboard.type(option_text)


def test_intake_completed_with_the_keyboard_only(
    signed_in_page, practitioner, site, screenshot, live_server
):
    page = signed_in_page(practitioner)
    expect(page.get_by_role("heading", name="My work")).to_be_visible()

    # The skip link comes first, then the way to the intake form.
    page.keyboard.press("Tab")
    assert _active(page, "textContent").strip() == "Skip to main content"
    for _ in range(MAX_TABS):
        page.keyboard.press("Tab")
        if (_active(page, "textContent") or "").strip() == "Record a new referral":
            break
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Record a new referral")).to_be_visible()
    assert_no_serious_violations(page, "intake form")

    type_into(page, "id_person-given_name", "Aaron")
    type_into(page, "id_person-family_name", "Keyes")
    type_into(page, "id_person-date_of_birth", "30/1/1996")
    choose_radio(page, "Male")
    type_into(page, "id_person-nhs_number", "943 476 5919")
    select_by_typing(page, "id_referral-source", "Police custody")
    select_by_typing(page, "id_referral-site", site.name)
    type_into(page, "id_referral-case_reference", "CUST/26/000777")
    type_into(page, "id_referral-referrer_name", "PC Jay Patel")
    select_by_typing(page, "id_referral-referrer_role", "Custody")
    type_into(page, "id_referral-referrer_organisation", "Cambridgeshire Constabulary")
    type_into(page, "id_referral-reason", "Heard voices in the cell; unsure where he was.")
    tick(page, "Mental health")
    choose_radio(page, "Urgent (same episode or court day)")
    screenshot("1-filled-by-keyboard")

    for _ in range(MAX_TABS):
        page.keyboard.press("Tab")
        if (_active(page, "textContent") or "").strip() == "Save referral":
            break
    assert page.evaluate(_FOCUS_VISIBLE), "no visible focus indicator on the Save button"
    page.keyboard.press("Enter")

    expect(page.get_by_text("recorded", exact=False).first).to_be_visible()
    referral = Referral.objects.get()
    assert (referral.person.given_name, referral.person.family_name) == ("Aaron", "Keyes")
    assert referral.source == "police_custody"
    assert referral.site == site
    assert referral.referrer_role == "custody_staff"
    assert [v.name for v in referral.vulnerabilities.all()] == ["Mental health"]
    assert referral.urgency == "urgent"
    assert_no_serious_violations(page, "referral recorded")
    screenshot("2-recorded")
