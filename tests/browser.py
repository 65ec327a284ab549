"""Helpers for the Chromium tests: reaching an element by keyboard, axe-core's verdict, screenshots."""

import os
from pathlib import Path

from axe_playwright_python.sync_playwright import Axe


# Where the browser tests leave their screenshots, to look at them; none is taken when unset
# (a full-page screenshot costs Chromium more than rendering the page).
ARTIFACTS = os.environ.get("TEST_ARTIFACTS_DIR")


def keep_screenshot(page, name: str, full_page: bool = True) -> None:
    """Save a screenshot of `page` as $TEST_ARTIFACTS_DIR/`name`.png, when that is set."""
    if not ARTIFACTS:
        return
    path = Path(ARTIFACTS) / ("%s.png" % name)
    path.parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(path), full_page=full_page)


def press_until_focused(page, locator, limit=80):
    """Press Tab until `locator` has the focus (as a keyboard-only person would)."""
    for _press in range(limit):
        if locator.evaluate("element => element === document.activeElement"):
            return
        page.keyboard.press("Tab")
    raise AssertionError("could not reach %s with Tab" % locator)


def no_serious_violations(page, name):
    """axe-core finds nothing serious or critical on the page."""
    results = Axe().run(page)
    serious = [
        "%s: %s" % (violation["id"], [n["target"] for n in violation["nodes"]])
        for violation in results.response["violations"]
        if violation["impact"] in ("serious", "critical")
    ]
    assert serious == [], "%s: %s" % (name, serious)
