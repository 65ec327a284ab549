"""Per-language RSS/Atom feeds of the latest live releases, and sitemap.xml with hreflang."""

from __future__ import annotations

from datetime import date
from xml.etree import ElementTree

from django.core.files.base import ContentFile
from django.utils import timezone

import pytest

from core.translation import translate_with
from media_assets.factories import VideoFactory
from news.factories import NewsReleasePageFactory, ReleaseVideoFactory
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
    # locale, news section (+ its view restrictions), releases (+ their view restrictions),
    # their linked videos with video and poster
    with django_assert_num_queries(6):
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


def sitemap_urls(response) -> dict[str, list[tuple[str, str]]]:
    return {
        url.findtext(SITEMAP + "loc"): sorted(
            (link.attrib["hreflang"], link.attrib["href"])
            for link in url.findall(XHTML + "link")
        )
        for url in parse(response).findall(SITEMAP + "url")
    }


def test_sitemap_links_translations_with_hreflang(
    client, releases, django_assert_num_queries
):
    # given
    english, french = releases
    client.get("/sitemap-pages.xml")

    # when: view restrictions and count, this file's pages; view restrictions and the pages'
    # translations (the same 5 for a file of 50,000 URLs)
    with django_assert_num_queries(5):
        response = client.get("/sitemap-pages.xml")

    # then
    assert response.status_code == 200
    urls = sitemap_urls(response)
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


def test_the_sitemap_is_an_index_of_files_of_at_most_the_limit(
    client, releases, settings
):
    # given: 8 live pages and (to keep the test small) 3 URLs per file instead of 50,000
    english, french = releases
    settings.NEWS_SITEMAP_LIMIT = 3

    # when
    index = client.get("/sitemap.xml")

    # then: the index lists 3 files, which together hold every page once with its alternates
    assert index.status_code == 200
    assert index["Content-Type"] == "application/xml"
    files = [loc.text for loc in parse(index).iter(SITEMAP + "loc")]
    assert files == [
        "http://testserver/sitemap-pages.xml",
        "http://testserver/sitemap-pages.xml?p=2",
        "http://testserver/sitemap-pages.xml?p=3",
    ]
    merged = {}
    for location in files:
        urls = sitemap_urls(client.get(location.removeprefix("http://testserver")))
        assert len(urls) <= 3
        merged.update(urls)
    assert len(merged) == 8
    base = "http://testserver"
    pair = [("en", base + english[0].url), ("fr", base + french.url)]
    assert merged[base + french.url] == pair
    assert merged[base + english[0].url] == pair
    assert client.get("/sitemap-pages.xml?p=4").status_code == 404


def test_sitemap_robots_and_feeds_use_the_configured_site_root(client, releases):
    # given: the site is configured at its public address; the request names another host
    from wagtail.models import Site

    Site.objects.filter(is_default_site=True).update(
        hostname="press.example.org", port=443
    )
    english, french = releases

    # when
    index = client.get("/sitemap.xml", HTTP_HOST="localhost")
    pages = client.get("/sitemap-pages.xml", HTTP_HOST="localhost")
    robots = client.get("/robots.txt", HTTP_HOST="localhost")
    feed = client.get("/fr/feeds/releases.rss", HTTP_HOST="localhost")

    # then
    assert [loc.text for loc in parse(index).iter(SITEMAP + "loc")] == [
        "https://press.example.org/sitemap-pages.xml"
    ]
    assert "https://press.example.org" + french.url in sitemap_urls(pages)
    assert all(
        url.startswith("https://press.example.org/") for url in sitemap_urls(pages)
    )
    assert robots.status_code == 200
    assert robots["Content-Type"] == "text/plain; charset=utf-8"
    assert robots.content.decode() == (
        "User-agent: *\n"
        "Disallow: /admin/\n"
        "\n"
        "Sitemap: https://press.example.org/sitemap.xml\n"
    )
    assert parse(feed).find("channel").findtext("item/link") == (
        "https://press.example.org" + french.url
    )


def test_make_runs_site_record_follows_the_served_address(fresh_database, settings):
    # given: `make run` exports the address it serves
    from wagtail.models import Site

    from home.services import ensure_site_tree

    settings.WAGTAILADMIN_BASE_URL = "http://127.0.0.1:8104"

    # when
    ensure_site_tree()

    # then
    site = Site.objects.get(is_default_site=True)
    assert site.root_url == "http://127.0.0.1:8104"


def test_feed_items_are_dated_by_the_release_date(client, editorial):
    # given: a release of March 2025 published in the CMS today, and one of today
    old = NewsReleasePageFactory(
        parent=editorial.news, title="March release", release_date=date(2025, 3, 1)
    )
    today = timezone.localdate()
    NewsReleasePageFactory(
        parent=editorial.news, title="Today's release", release_date=today
    )
    old.refresh_from_db()

    # when
    rss = parse(client.get("/en/feeds/releases.rss"))
    atom = parse(client.get("/en/feeds/releases.atom"))

    # then: the old release carries its own date, not the moment it went live
    dates = {
        item.findtext("title"): item.findtext("pubDate") for item in rss.iter("item")
    }
    assert dates["March release"] == "Sat, 01 Mar 2025 00:00:00 +0100"
    assert dates["Today's release"].startswith(today.strftime("%a, %d %b %Y"))
    published = {
        entry.findtext(ATOM + "title"): entry.findtext(ATOM + "published")
        for entry in atom.iter(ATOM + "entry")
    }
    assert published["March release"] == "2025-03-01T00:00:00+01:00"


@pytest.mark.parametrize(
    ("language", "title", "description"),
    [
        ("en", "Latest news releases", "The latest news releases of the press office."),
        (
            "fr",
            "Derniers communiqués",
            "Les derniers communiqués du service de presse.",
        ),
    ],
)
def test_feed_title_and_description_are_in_the_feeds_language(
    client, editorial, language, title, description
):
    # when
    channel = parse(client.get("/%s/feeds/releases.rss" % language)).find("channel")
    atom = parse(client.get("/%s/feeds/releases.atom" % language))

    # then
    assert channel.findtext("title") == title
    assert channel.findtext("description") == description
    assert atom.findtext(ATOM + "title") == title
    assert atom.findtext(ATOM + "subtitle") == description


def test_feed_items_carry_the_video_preview_or_poster_as_enclosure(client, editorial):
    # given: one release whose video has a preview, one whose video has only a poster
    with_preview = VideoFactory()
    with_preview.preview.save("preview.mp4", ContentFile(b"\x00" * 1234))
    poster_only = VideoFactory()
    first = NewsReleasePageFactory(parent=editorial.news, title="With preview")
    ReleaseVideoFactory(page=first, video=with_preview)
    second = NewsReleasePageFactory(parent=editorial.news, title="With poster")
    ReleaseVideoFactory(page=second, video=poster_only)
    NewsReleasePageFactory(parent=editorial.news, title="Without video")

    # when
    rss = parse(client.get("/en/feeds/releases.rss"))

    # then
    enclosures = {
        item.findtext("title"): (
            item.find("enclosure").attrib
            if item.find("enclosure") is not None
            else None
        )
        for item in rss.iter("item")
    }
    assert enclosures["With preview"] == {
        "url": "http://testserver" + with_preview.preview.url,
        "length": "1234",
        "type": "video/mp4",
    }
    poster = poster_only.poster
    assert enclosures["With poster"] == {
        "url": "http://testserver" + poster.file.url,
        "length": str(poster.file.size),
        "type": "image/png" if poster.file.name.endswith(".png") else "image/jpeg",
    }
    assert enclosures["Without video"] is None


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
