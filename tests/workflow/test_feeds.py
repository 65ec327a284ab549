"""Per-language RSS/Atom feeds of the latest live releases, and sitemap.xml with hreflang."""

from __future__ import annotations

from xml.etree import ElementTree

import pytest

from core.translation import translate_with
from news.factories import NewsReleasePageFactory
from news.models import NewsReleasePage


ATOM = "{http://www.w3.org/2005/Atom}"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
XHTML = "{http://www.w3.org/1999/xhtml}"


def parse(response) -> ElementTree.Element:
    return ElementTree.fromstring(response.content)  # noqa: S314 (our own output)


@pytest.fixture
def releases(editorial):
    """Three live English releases, the first translated into French, and one English draft."""
    english = [
        NewsReleasePageFactory(parent=editorial.news, title="English release %d" % n)
        for n in range(3)
    ]
    NewsReleasePageFactory(parent=editorial.news, title="English draft", live=False)
    french = translate_with(
        english[0],
        editorial.locales["fr"],
        lambda text: "Communiqué en français" if text == english[0].title else text,
        publish=True,
    )
    return english, NewsReleasePage.objects.get(pk=french.pk)


def test_rss_feed_lists_the_live_releases_of_its_language(
    client, releases, django_assert_num_queries
):
    # given
    english, french = releases

    # when
    client.get("/fr/feeds/releases.rss")  # warm the site root paths cache
    # locale, news section (+ its view restrictions), releases (+ their view restrictions)
    with django_assert_num_queries(5):
        french_feed = client.get("/fr/feeds/releases.rss")
    english_feed = client.get("/en/feeds/releases.rss")

    # then
    assert french_feed.status_code == 200
    assert french_feed["Content-Type"] == "application/rss+xml; charset=utf-8"
    channel = parse(french_feed).find("channel")
    assert channel.findtext("language") == "fr"
    assert [item.findtext("title") for item in channel.findall("item")] == [
        "Communiqué en français"
    ]
    assert [item.findtext("link") for item in channel.findall("item")] == [
        "http://testserver" + french.url
    ]
    english_titles = [
        item.findtext("title") for item in parse(english_feed).iter("item")
    ]
    assert sorted(english_titles) == [
        "English release 0",
        "English release 1",
        "English release 2",
    ]


def test_atom_feed_lists_the_live_releases_of_its_language(client, releases):
    # when
    response = client.get("/en/feeds/releases.atom")

    # then
    assert response["Content-Type"] == "application/atom+xml; charset=utf-8"
    feed = parse(response)
    assert feed.attrib["{http://www.w3.org/XML/1998/namespace}lang"] == "en"
    titles = sorted(
        entry.findtext(ATOM + "title") for entry in feed.iter(ATOM + "entry")
    )
    assert titles == ["English release 0", "English release 1", "English release 2"]


def test_feed_of_a_language_without_news_section_is_404(client, editorial):
    # given
    editorial.news_in("fr").unpublish()

    # when
    response = client.get("/fr/feeds/releases.rss")

    # then
    assert response.status_code == 404


def test_sitemap_links_translations_with_hreflang(
    client, releases, django_assert_num_queries
):
    # given
    english, french = releases
    client.get("/sitemap.xml")

    # when
    with django_assert_num_queries(2):
        response = client.get("/sitemap.xml")

    # then
    assert response.status_code == 200
    urls = {
        url.findtext(SITEMAP + "loc"): sorted(
            (link.attrib["hreflang"], link.attrib["href"])
            for link in url.findall(XHTML + "link")
        )
        for url in parse(response).findall(SITEMAP + "url")
    }
    base = "http://testserver"
    pair = [("en", base + english[0].url), ("fr", base + french.url)]
    home = [("en", base + "/en/"), ("fr", base + "/fr/")]
    news = [("en", base + "/en/news/"), ("fr", base + "/fr/news/")]
    assert urls == {
        base + "/en/": home,
        base + "/fr/": home,
        base + "/en/news/": news,
        base + "/fr/news/": news,
        base + english[0].url: pair,
        base + french.url: pair,
        base + english[1].url: [],
        base + english[2].url: [],
    }


def test_every_page_announces_the_feeds_of_its_language(client, editorial):
    html = client.get("/fr/").content.decode()

    assert (
        '<link rel="alternate" type="application/rss+xml" title="Derniers communiqués (RSS)" href="/fr/feeds/releases.rss">'
        in html
    )
    assert (
        'type="application/atom+xml" title="Derniers communiqués (Atom)" href="/fr/feeds/releases.atom">'
        in html
    )
