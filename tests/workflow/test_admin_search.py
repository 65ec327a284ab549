"""The admin's own search and "usage" (Wagtail's indexes), updated when a release is saved.

The other tests do not update these two indexes (tests/tasks_backend.py); these keep them.
"""

from wagtail.models import ReferenceIndex

import pytest

from news.factories import build_release


pytestmark = pytest.mark.wagtail_indexes


def test_the_admin_search_finds_a_release_by_a_word_of_its_title(
    admin_client, site_tree
):
    # given
    release = build_release(
        site_tree.news, title="Quartermaster convoy reaches Tallinn"
    )

    # when
    found = admin_client.get("/admin/pages/search/", {"q": "quartermaster"})
    not_found = admin_client.get("/admin/pages/search/", {"q": "zeppelin"})

    # then
    assert found.status_code == 200
    assert release.title in found.content.decode()
    assert release.title not in not_found.content.decode()


def test_a_video_linked_by_a_release_lists_the_release_among_its_uses(
    admin_client, site_tree
):
    # given
    release = build_release(
        site_tree.news, title="Quartermaster convoy reaches Tallinn"
    )
    video = release.videos.first().video

    # then: the reference index records the link, and the video's usage page shows it
    assert ReferenceIndex.get_references_to(video).exists()
    usage = admin_client.get("/admin/media/usage/%d/" % video.pk)
    assert usage.status_code == 200
    assert release.title in usage.content.decode()
