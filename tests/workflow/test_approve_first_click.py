"""The reviewer's "Approve" on the edit page publishes on the first click (an unchanged form is no change)."""

from __future__ import annotations

from wagtail.models import WorkflowState
from wagtail.test.utils.form_data import rich_text

from media_assets.factories import VideoFactory
from news.factories import build_release
from news.models import NewsReleasePage
from news.roles import OFFICERS, REVIEWERS
from tests.workflow.conftest import member
from tests.workflow.helpers import client_for, form_data, page_edit_url


def release_as_the_editor_saves_it(parent):
    """A live release like the day-one one, its links ordered 0, 1, ... as the editor saves them."""
    release = build_release(parent, videos=1)
    for relation in (release.videos, release.quotes, release.topics):
        for order, link in enumerate(relation.all()):
            link.sort_order = order
            link.save()
    release.save_revision().publish()
    return NewsReleasePage.objects.get(pk=release.pk)


def edit_form(page, **changes):
    """The edit form as the browser posts it, with the body's blocks (the helper posts none)."""
    page = NewsReleasePage.objects.get(pk=page.pk).get_latest_revision_as_object()
    data = form_data(page_edit_url(page))
    data["body-count"] = str(len(page.body))
    for index, block in enumerate(page.body):
        data["body-%d-type" % index] = block.block_type
        # Draftail's content state, with block keys made up when the HTML has none
        data["body-%d-value" % index] = rich_text(block.value.source)
        data["body-%d-id" % index] = block.id
        data["body-%d-order" % index] = str(index)
        data["body-%d-deleted" % index] = ""
    for key, value in changes.items():
        data[key] = value
    return data


def approve_on_edit_page(page, reviewer):
    data = edit_form(page)
    data["action-workflow-action"] = "true"
    data["workflow-action-name"] = "approve"
    return client_for(reviewer).post(page_edit_url(page), data)


def test_approve_on_the_edit_page_publishes_a_new_linked_video_at_once(editorial):
    # given: a live release; an officer links a second video and submits it for review
    release = release_as_the_editor_saves_it(editorial.news)
    officer, reviewer = member(OFFICERS), member(REVIEWERS)
    second = VideoFactory(title="Second video")
    data = edit_form(release, **{"action-submit": "Submit"})
    data["videos-TOTAL_FORMS"] = "2"
    data.update(
        {
            "videos-1-id": "",
            "videos-1-ORDER": "2",
            "videos-1-DELETE": "",
            "videos-1-video": str(second.pk),
        }
    )
    assert client_for(officer).post(page_edit_url(release), data).status_code == 302
    submitted = NewsReleasePage.objects.get(pk=release.pk).get_latest_revision()
    [new_link] = [row for row in submitted.content["videos"] if row["pk"] is None]

    # when: the reviewer presses "Approve" on the edit page, once
    response = approve_on_edit_page(release, reviewer)

    # then: published, from the submitted revision, no new draft, workflow approved
    assert response.status_code == 302
    release = NewsReleasePage.objects.get(pk=release.pk)
    assert release.live_revision_id == submitted.pk
    assert release.get_latest_revision().pk == submitted.pk
    assert release.has_unpublished_changes is False
    assert WorkflowState.objects.get(object_id=str(release.pk)).status == "approved"
    assert [
        (link.video.title, str(link.translation_key)) for link in release.videos.all()
    ] == [
        ("Meeting video 1", str(release.videos.first().translation_key)),
        ("Second video", new_link["translation_key"]),
    ]


def test_approve_on_the_edit_page_publishes_text_saved_without_block_keys(editorial):
    # given: a release whose body was stored by code (no Draftail block keys), in review
    release = build_release(editorial.news)
    assert "data-block-key" not in release.body[0].value.source
    reviewer = member(REVIEWERS)
    release.save_revision(user=member(OFFICERS))
    release.get_workflow().start(release, member(OFFICERS))
    submitted = release.get_latest_revision()

    # when
    response = approve_on_edit_page(release, reviewer)

    # then
    assert response.status_code == 302
    release = NewsReleasePage.objects.get(pk=release.pk)
    assert (release.live_revision_id, release.get_latest_revision().pk) == (
        submitted.pk,
        submitted.pk,
    )
    assert WorkflowState.objects.get(object_id=str(release.pk)).status == "approved"


def test_saving_an_unchanged_form_changes_nothing(editorial):
    # given: a live release with a linked video added in a draft
    release = release_as_the_editor_saves_it(editorial.news)
    officer = member(OFFICERS)
    data = edit_form(release)
    data["videos-TOTAL_FORMS"] = "2"
    data.update(
        {
            "videos-1-id": "",
            "videos-1-ORDER": "2",
            "videos-1-DELETE": "",
            "videos-1-video": str(VideoFactory(title="Second video").pk),
        }
    )
    client_for(officer).post(page_edit_url(release), data)
    draft = NewsReleasePage.objects.get(pk=release.pk).get_latest_revision()

    # when: the form is saved again as it is
    client_for(officer).post(page_edit_url(release), edit_form(release))

    # then: the new revision holds the same content (the unsaved link keeps its key)
    latest = NewsReleasePage.objects.get(pk=release.pk).get_latest_revision()
    for relation in ("videos", "quotes", "topics"):
        assert by_order(latest.content[relation]) == by_order(draft.content[relation])


def by_order(rows: list[dict]) -> list[dict]:
    return sorted(rows, key=lambda row: row["sort_order"])
