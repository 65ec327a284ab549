import datetime
import re

from django.utils.html import escape

import pytest

from news.factories import build_release, translate_release


def get_html(client, url, status=200):
    response = client.get(url)
    assert response.status_code == status, url
    return response.content.decode()


def test_release_page_shows_every_part_in_english(client, release):
    # when
    html = get_html(client, release.url)

    # then
    assert "19 November 2025" in html
    assert '<span class="release__place">Brussels</span>' in html
    assert (
        "<h1>Secretary General meets the heads of allied intelligence services</h1>"
        in html
    )
    assert (
        "The Secretary General met the heads of the allied intelligence services."
        in html
    )
    assert "The committees met at headquarters." in html
    # each speaker appears once, with their quotes (there was a second list of names)
    assert html.count("Alex Morgan") == 1
    assert html.count("Jordan Reyes") == 1
    assert "release__speakers" not in html
    assert '<span class="quote__title">Chair of the Military Committee</span>' in html
    for number in (1, 2, 3):
        assert "Quote number %d on intelligence." % number in html
    assert re.findall(r'<li class="tag">([^<]+)</li>', html) == [
        "Intelligence",
        "Emerging technologies",
    ]
    assert "Meeting video 1" in html
    assert re.search(r'<img [^>]*src="[^"]+/images/[^"]+"', html), "poster image"
    assert '<time datetime="PT0M12S">12 s</time>' in html
    assert re.findall(r">(\d\d:\d\d:\d\d:\d\d)<", html) == [
        "00:00:00:00",
        "00:00:04:00",
        "00:00:04:00",
        "00:00:08:00",
        "00:00:08:00",
        "00:00:12:00",
    ]
    assert "Wide shot of headquarters." in html


def test_release_page_shows_every_part_in_french(client, french_release):
    # when
    html = get_html(client, french_release.url)

    # then
    assert french_release.url.startswith("/fr/")
    assert "19 novembre 2025" in html
    assert '<span class="release__place">Bruxelles</span>' in html
    assert (
        "<h1>Le secrétaire général rencontre les chefs des services de renseignement alliés</h1>"
        in html
    )
    assert (
        "[fr] The Secretary General met the heads of the allied intelligence services."
        in html
    )
    assert "[fr] The committees met at headquarters." in html
    assert '<span class="quote__title">Président du Comité militaire</span>' in html
    # each speaker is presented once, with their quotes
    assert html.count('<span class="quote__title">Secrétaire général</span>') == 1
    assert (
        html.count('<span class="quote__title">Président du Comité militaire</span>')
        == 1
    )
    for number in (1, 2, 3):
        assert "[fr] Quote number %d on intelligence." % number in html
    assert re.findall(r'<li class="tag">([^<]+)</li>', html) == [
        "Renseignement",
        "Technologies émergentes",
    ]
    assert "[fr] Meeting video 1" in html
    assert "Plan large du siège." in html
    assert '<time datetime="PT0M12S">12 s</time>' in html
    assert 'lang="fr"' in html


# Every interface string of the release page's templates that reads differently in French.
ENGLISH_INTERFACE_STRINGS = [
    "Skip to content",
    "Main navigation",
    "News releases",
    "Search the archive",
    "Log in",
    "Create an account",
    "Release date:",
    "Place:",
    "Topics",
    "Speakers and quotes",
    "Duration",
    "Resolution",
    "Frame rate",
    "frames per second",
    "Shot list",
    "Play from",
    "Your browser cannot play this video.",
    "The preview of this video is being prepared.",
    "Official news releases and broadcast-quality video",
    "Press office log-in",
    "Language",
]


def test_french_release_page_has_no_english_interface_string(client, french_release):
    # when
    html = get_html(client, french_release.url)

    # then
    leaked = [text for text in ENGLISH_INTERFACE_STRINGS if escape(text) in html]
    assert leaked == []


def test_english_release_page_shows_the_same_interface_strings_in_english(
    client, french_release, release
):
    # The list above is the template's: in English most of them are on the page.
    html = get_html(client, release.url)

    present = [text for text in ENGLISH_INTERFACE_STRINGS if escape(text) in html]
    assert set(ENGLISH_INTERFACE_STRINGS) - set(present) == {
        "Your browser cannot play this video.",  # only with a preview
        "Play from",  # only with a preview, in an aria-label
    } - set(present)


def test_language_switcher_links_to_the_translation_of_the_same_release(
    client, release, french_release
):
    # when
    english = get_html(client, release.url)
    french = get_html(client, french_release.url)

    # then
    assert (
        '<a href="%s" lang="fr" hreflang="fr" rel="alternate">' % french_release.url
        in english
    )
    assert (
        '<a href="%s" lang="en" hreflang="en" rel="alternate">' % release.url in french
    )


def test_language_switcher_falls_back_to_the_home_page_when_there_is_no_translation(
    client, release
):
    html = get_html(client, release.url)

    assert '<a href="/fr/" lang="fr" hreflang="fr" rel="alternate">' in html


def test_release_without_video_quotes_or_place_renders_cleanly(client, site_tree):
    # given
    page = build_release(
        site_tree.news,
        quotes=0,
        videos=0,
        place="",
        slug="bare",
        title="A bare release",
    )

    # when
    html = get_html(client, page.url)

    # then
    assert "<h1>A bare release</h1>" in html
    assert "Speakers and quotes" not in html
    assert 'class="release__videos"' not in html
    assert 'class="release__place"' not in html
    assert "·" not in html.split('<p class="meta">')[1].split("</p>")[0]


@pytest.mark.parametrize(
    ("quotes", "videos", "shots"),
    [(1, 1, 1), (6, 3, 5)],
    ids=["one_of_each_case", "many_case"],
)
def test_release_page_query_count_does_not_grow_with_quotes_speakers_or_videos(
    client, site_tree, django_assert_num_queries, quotes, videos, shots
):
    # given
    page = build_release(site_tree.news, quotes=quotes, videos=videos, shots=shots)
    client.get(page.url)  # warm Wagtail's site and rendition caches

    # then: a fixed budget, the same for both cases
    with django_assert_num_queries(RELEASE_PAGE_QUERIES):
        client.get(page.url)


RELEASE_PAGE_QUERIES = 16


def test_unknown_slug_gets_a_404_in_the_site_design_and_language(client, site_tree):
    # when
    response = client.get("/fr/news/nothing-here/")

    # then
    html = response.content.decode()
    assert response.status_code == 404
    assert "<h1>Page introuvable</h1>" in html
    assert 'class="site-header"' in html
    assert '<html lang="fr">' in html


def test_unknown_language_prefix_gets_a_404_in_the_site_design(client, site_tree):
    # when
    response = client.get("/de/news/", follow=True)

    # then
    assert response.status_code == 404
    assert "<h1>Page not found</h1>" in response.content.decode()


def test_release_date_is_formatted_per_language(client, site_tree):
    page = build_release(
        site_tree.news, release_date=datetime.date(2025, 3, 1), quotes=0, videos=0
    )
    french = translate_release(page, site_tree.locales["fr"])

    assert "1 March 2025" in get_html(client, page.url)
    assert "1 mars 2025" in get_html(client, french.url)
