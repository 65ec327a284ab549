"""The public site in real Chromium: navigation across languages and accessibility (axe-core)."""

from wagtail.models import Locale

import pytest
from axe_playwright_python.sync_playwright import Axe

from news.models import NewsReleasePage
from tests.browser import keep_screenshot


# serialized_rollback: the live server needs committed data, and the flush that follows a transactional
# test would otherwise take the page tree's root and the content types made by migrations with it.
pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

BLOCKING_IMPACTS = {"serious", "critical"}
DAY_ONE_SLUG = "secretary-general-meets-heads-of-allied-intelligence-services"


def blocking_violations(page) -> list[str]:
    results = Axe().run(page)
    return [
        "%s: %s" % (violation["id"], violation["help"])
        for violation in results.response["violations"]
        if violation["impact"] in BLOCKING_IMPACTS
    ]


@pytest.fixture
def published_release(demo_newsroom):
    """The demo newsroom, as `make run` seeds it; returns the day-one release in en and fr."""
    english = NewsReleasePage.objects.get(locale__language_code="en", slug=DAY_ONE_SLUG)
    return english, english.get_translation(Locale.objects.get(language_code="fr"))


def test_journalist_follows_the_french_release_and_switches_to_english(
    browser, live_server, published_release, tmp_path
):
    # One test for the journey and the accessibility of both languages: the demo (with its
    # videos) is seeded once, where three tests seeded it three times (a transactional test's
    # data goes with it).
    journalist_follows_the_french_release_and_switches_to_english(
        browser, live_server, published_release, tmp_path
    )
    for language in ("en", "fr"):
        landing_and_release_pages_have_no_serious_accessibility_violation(
            browser, live_server, published_release, language, tmp_path
        )


def journalist_follows_the_french_release_and_switches_to_english(
    browser, live_server, published_release, tmp_path
):
    # given
    release, french = published_release
    page = browser.new_page(viewport={"width": 1280, "height": 900})

    # when: the French landing, then the release, then the switch to English
    page.goto(live_server.url + "/fr/")
    # (the landing's video card has the same title and leads to the video page)
    page.get_by_role(
        "link",
        name="Le secrétaire général rencontre les chefs des services de renseignement alliés",
    ).and_(page.locator('a[href="%s"]' % french.url)).click()
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


def landing_and_release_pages_have_no_serious_accessibility_violation(
    browser, live_server, published_release, language, tmp_path
):
    # given
    release, french = published_release
    page = browser.new_page()
    release_url = release.url if language == "en" else french.url

    for url in ("/%s/" % language, release_url):
        # when
        page.goto(live_server.url + url)
        keep_screenshot(page, url.strip("/").replace("/", "_"))

        # then
        assert blocking_violations(page) == [], url
