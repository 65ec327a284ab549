"""Helpers for the Chromium tests: reaching an element by keyboard, and axe-core's verdict."""

from axe_playwright_python.sync_playwright import Axe


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
