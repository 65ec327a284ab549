"""No public page scrolls sideways on a 390-pixel phone, in either language (issue 10 item 13)."""

import contextlib

from django.test import Client
from django.urls import NoReverseMatch

from wagtail.models import Locale

import pytest

from accounts.factories import UserFactory
from media_assets.models import Video
from news.models import NewsReleasePage
from tests.browser import keep_screenshot


pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

DAY_ONE_SLUG = "secretary-general-meets-heads-of-allied-intelligence-services"
PHONE = {"width": 390, "height": 844}
SEARCH_WORD = {"en": "intelligence", "fr": "renseignement"}

# What sticks out past the right edge, to say which element makes the page scroll.
WIDER_THAN_THE_WINDOW = """() => {
  const width = document.documentElement.clientWidth;
  const wide = [...document.querySelectorAll("body *")]
    .filter((element) => element.getBoundingClientRect().right > width + 1)
    .map((element) => element.tagName.toLowerCase() + "." + [...element.classList].join("."));
  return {scrollWidth: document.documentElement.scrollWidth, width, wide: wide.slice(0, 5)};
}"""


@pytest.fixture
def demo(demo_newsroom):
    """The demo newsroom and a verified journalist."""
    return UserFactory(email="journalist@example.org")


def public_pages(language: str) -> dict[str, str]:
    french = Locale.objects.get(language_code="fr")
    release = NewsReleasePage.objects.get(locale__language_code="en", slug=DAY_ONE_SLUG)
    if language == "fr":
        release = release.get_translation(french)
    video = Video.objects.filter(locale__language_code=language).first()
    pages = {
        "landing": "/%s/" % language,
        "news index": "/%s/news/" % language,
        "release": release.url,
        "search": "/%s/search/?q=%s" % (language, SEARCH_WORD[language]),
        "log-in": "/%s/accounts/login/" % language,
        "sign-up": "/%s/accounts/signup/" % language,
        "password reset": "/%s/accounts/password/reset/" % language,
        "not found": "/%s/no-such-page/" % language,
    }
    # the public video page, once the downloads work has landed
    with contextlib.suppress(AttributeError, NoReverseMatch):
        pages["video"] = video.get_public_url(language)
    return pages


ACCOUNT_PAGES = {
    "account": "/%s/accounts/profile/",
    "change e-mail": "/%s/accounts/email/",
    "change password": "/%s/accounts/password/change/",
}


def test_no_public_page_scrolls_sideways_at_390_pixels(live_server, browser, demo):
    # given: a phone-sized window, logged out, then logged in as a journalist
    client = Client()
    client.force_login(demo)
    visitor = browser.new_context(viewport=PHONE, device_scale_factor=1)
    journalist = browser.new_context(viewport=PHONE, device_scale_factor=1)
    journalist.add_cookies(
        [
            {
                "name": "sessionid",
                "value": client.cookies["sessionid"].value,
                "url": live_server.url,
            }
        ]
    )
    overflowing = {}
    visited = []

    # when: every public page is opened in both languages (a language's pages side by side:
    # each is asked for as soon as the one before has its HTML, then measured once loaded)
    for language in ("en", "fr"):
        pages = [(visitor, name, path) for name, path in public_pages(language).items()]
        pages += [
            (journalist, name, path % language) for name, path in ACCOUNT_PAGES.items()
        ]
        opened = []
        for context, name, path in pages:
            page = context.new_page()
            page.goto(live_server.url + path, wait_until="commit")
            opened.append((name, page))
        for name, page in opened:
            page.wait_for_load_state("load")
            measured = page.evaluate(WIDER_THAN_THE_WINDOW)
            slug = "%s-%s" % (language, name.replace(" ", "-"))
            keep_screenshot(page, "phone-%s" % slug)
            page.close()
            visited.append(slug)
            if measured["scrollWidth"] > measured["width"]:
                overflowing[slug] = measured

    # then
    visitor.close()
    journalist.close()
    assert len(visited) >= 22, visited
    assert overflowing == {}
