from django.urls import reverse

import pytest

from accounts.factories import UserFactory
from news.factories import build_release


@pytest.fixture
def admin_client(client, db):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    return client


def test_officer_sees_the_release_form_with_quotes_topics_and_videos_inline(
    admin_client, site_tree
):
    # given
    page = build_release(site_tree.news)

    # when
    response = admin_client.get(reverse("wagtailadmin_pages:edit", args=[page.pk]))

    # then
    html = response.content.decode()
    assert response.status_code == 200
    for field in (
        'name="release_date"',
        'name="place"',
        'name="lead"',
        'name="quotes-0-speaker"',
        'name="quotes-2-text"',
        'name="topics-1-topic"',
        'name="videos-0-video"',
    ):
        assert field in html, field


def test_release_can_only_be_added_under_the_news_index(admin_client, site_tree):
    add_under_news = reverse(
        "wagtailadmin_pages:add", args=["news", "newsreleasepage", site_tree.news.pk]
    )
    add_under_home = reverse(
        "wagtailadmin_pages:add", args=["news", "newsreleasepage", site_tree.home.pk]
    )

    assert admin_client.get(add_under_news).status_code == 200
    refused = admin_client.get(add_under_home)
    assert (refused.status_code, refused.url) == (
        302,
        "/admin/",
    )  # Wagtail's "permission denied"


def test_video_form_edits_the_shot_list_inline(admin_client, site_tree):
    # given
    page = build_release(site_tree.news)
    video = page.videos.get().video

    # when
    response = admin_client.get(
        reverse("wagtailsnippets_media_assets_video:edit", args=[video.pk])
    )

    # then
    html = response.content.decode()
    assert response.status_code == 200
    assert 'name="shots-2-description"' in html
    assert 'name="description"' in html


@pytest.mark.parametrize("model", ["speaker", "topic"])
def test_speakers_and_topics_have_their_admin_listing(admin_client, site_tree, model):
    build_release(site_tree.news)

    response = admin_client.get(reverse("wagtailsnippets_news_%s:list" % model))

    assert response.status_code == 200
