import re

import pytest

from news.factories import build_release, translate_release


def test_landing_page_shows_strapline_latest_releases_videos_search_and_sign_up(
    client, site_tree
):
    # given
    build_release(site_tree.news, title="First release", slug="first")
    build_release(site_tree.news, title="Second release", slug="second", videos=2)

    # when
    html = client.get("/en/").content.decode()

    # then
    assert "The only place to access the organisation’s broadcast-quality video" in html
    # same release date: the one published last comes first
    assert re.findall(
        r'<h3 class="card__title"><a href="/en/news/[^"]+">([^<]+)</a></h3>', html
    ) == [
        "Second release",
        "First release",
    ]
    assert html.count('class="card video-card"') == 3
    # each video card leads to the video's page
    assert re.findall(
        r'<h3 class="card__title"><a href="/en/videos/\d+/([^"/]+)/">', html
    ) == ["meeting-video-2", "meeting-video-1", "meeting-video-1"]
    assert 'role="search"' in html
    assert 'href="/en/accounts/signup/"' in html


def test_landing_page_in_french(client, site_tree):
    # given
    page = build_release(site_tree.news)
    translate_release(page, site_tree.locales["fr"])

    # when
    html = client.get("/fr/").content.decode()

    # then
    assert (
        "Le seul endroit où accéder aux vidéos de qualité broadcast de l’Organisation"
        in html
    )
    assert (
        "Le secrétaire général rencontre les chefs des services de renseignement alliés"
        in html
    )
    assert "[fr] Meeting video 1" in html
    assert "Créer un compte" in html
    assert "Latest videos" not in html


def test_landing_lists_newest_release_first(client, site_tree):
    import datetime

    build_release(
        site_tree.news,
        title="Older",
        slug="older",
        release_date=datetime.date(2025, 1, 1),
        quotes=0,
        videos=0,
    )
    build_release(
        site_tree.news,
        title="Newer",
        slug="newer",
        release_date=datetime.date(2025, 6, 1),
        quotes=0,
        videos=0,
    )

    html = client.get("/en/").content.decode()

    assert html.index(">Newer<") < html.index(">Older<")


def test_landing_page_never_lists_an_unpublished_release_or_its_video(
    client, site_tree
):
    # given
    page = build_release(site_tree.news, title="Draft release", slug="draft")
    page.unpublish()

    # when
    html = client.get("/en/").content.decode()

    # then
    assert "Draft release" not in html
    assert "Meeting video 1" not in html


@pytest.mark.parametrize(
    "releases", [1, 6], ids=["one_release_case", "six_releases_case"]
)
def test_landing_page_query_count_does_not_grow_with_releases_or_videos(
    client, site_tree, django_assert_num_queries, releases
):
    # given
    for number in range(releases):
        build_release(site_tree.news, slug="release-%d" % number, videos=2)
    client.get("/en/")

    # then
    with django_assert_num_queries(HOME_PAGE_QUERIES):
        client.get("/en/")


HOME_PAGE_QUERIES = 11  # the public videos are one stored fact (Video.public_since)
