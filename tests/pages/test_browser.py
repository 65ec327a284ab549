"""The public site in real Chromium: navigation across languages and accessibility (axe-core)."""

import pytest
from axe_playwright_python.sync_playwright import Axe

from news.factories import build_release, translate_release


# serialized_rollback: the live server needs committed data, and the flush that follows a transactional
# test would otherwise take the page tree's root and the content types made by migrations with it.
pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

BLOCKING_IMPACTS = {"serious", "critical"}


def blocking_violations(page) -> list[str]:
    results = Axe().run(page)
    return [
        "%s: %s" % (violation["id"], violation["help"])
        for violation in results.response["violations"]
        if violation["impact"] in BLOCKING_IMPACTS
    ]


@pytest.fixture
def published_release(site_tree):
    release = build_release(site_tree.news)
    french = translate_release(release, site_tree.locales["fr"])
    return release, french


def test_journalist_follows_the_french_release_and_switches_to_english(
    browser, live_server, published_release, tmp_path
):
    # given
    release, french = published_release
    page = browser.new_page(viewport={"width": 1280, "height": 900})

    # when: the French landing, then the release, then the switch to English
    page.goto(live_server.url + "/fr/")
    page.get_by_role(
        "link",
        name="Le secrétaire général rencontre les chefs des services de renseignement alliés",
    ).click()
    page.wait_for_url("**" + french.url)
    french_heading = page.locator("h1").inner_text()
    page.get_by_role("link", name="EN – English").click()
    page.wait_for_url("**" + release.url)
    page.screenshot(path=str(tmp_path / "release-en.png"), full_page=True)

    # then
    assert (
        french_heading
        == "Le secrétaire général rencontre les chefs des services de renseignement alliés"
    )
    assert (
        page.locator("h1").inner_text()
        == "Secretary General meets the heads of allied intelligence services"
    )
    assert page.locator("html").get_attribute("lang") == "en"
    assert (tmp_path / "release-en.png").stat().st_size > 10_000


@pytest.mark.parametrize("language", ["en", "fr"])
def test_landing_and_release_pages_have_no_serious_accessibility_violation(
    browser, live_server, published_release, language, tmp_path
):
    # given
    release, french = published_release
    page = browser.new_page()
    release_url = release.url if language == "en" else french.url

    for url in ("/%s/" % language, release_url):
        # when
        page.goto(live_server.url + url)
        page.screenshot(
            path=str(tmp_path / ("%s.png" % url.strip("/").replace("/", "_"))),
            full_page=True,
        )

        # then
        assert blocking_violations(page) == [], url
