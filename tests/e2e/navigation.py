"""Clicking something that loads a new page, and waiting for that page rather than the old one.

`click()` followed by `wait_for_load_state()` races: the old page is already loaded, so the
wait can return before the browser has even started the request, and the next step then
runs against the page being left (a journey filled half a section that way and saw
"8 of 9 sections").
"""


def follow(page, locator):
    """Click `locator` and return once the page it loads (redirects followed) has loaded."""
    with page.expect_navigation():
        locator.click()
