"""The release editor in real Chromium, where its traps were.

The slug follows the headline, errors on a hidden tab are announced with a link, and the
reviewer's "Approve" on the edit page publishes on the first click.
"""

from __future__ import annotations

from django.test import Client

from wagtail.models import WorkflowState
from wagtail.users.models import UserProfile

import pytest
from playwright.sync_api import expect

from media_assets.factories import VideoFactory
from news.factories import build_release
from news.models import NewsReleasePage
from news.roles import OFFICERS, REVIEWERS
from tests.workflow.conftest import member
from tests.workflow.helpers import client_for, page_add_url, page_edit_url
from tests.workflow.test_approve_first_click import (
    edit_form,
    release_as_the_editor_saves_it,
)


pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def logged_in(browser, live_server, user, language):
    profile = UserProfile.get_for_user(user)
    profile.preferred_language = language
    profile.save()
    client = Client()
    client.force_login(user)
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.add_cookies(
        [
            {
                "name": "sessionid",
                "value": client.cookies["sessionid"].value,
                "url": live_server.url,
            }
        ]
    )
    return context.new_page()


@pytest.mark.parametrize(
    ("language", "headline", "slug", "announcement"),
    [
        (
            "en",
            "Secretary General opens the summit in Liège",
            "secretary-general-opens-the-summit-in-liege",
            "1 error on the “Promote” tab",
        ),
        (
            "fr",
            "Le Secrétaire général ouvre le sommet à Liège",
            "le-secretaire-general-ouvre-le-sommet-a-liege",
            "1 erreur dans l’onglet «\u00a0Promotion\u00a0»",
        ),
    ],
)
def test_slug_follows_the_headline_and_a_hidden_tab_error_links_to_it(
    browser, live_server, editorial, language, headline, slug, announcement
):
    # given: an officer on a new release of their language's section, where a slug is taken
    parent = editorial.news_in(language)
    build_release(parent, slug="taken")
    page = logged_in(browser, live_server, member(OFFICERS), language)
    page.goto(live_server.url + page_add_url(parent))
    # Wagtail's title-to-slug sync listens once its Stimulus controller is connected: a
    # headline typed before that (a busy machine) would never reach the slug
    page.wait_for_function(
        "() => window.wagtail?.app?.getControllerForElementAndIdentifier("
        "document.getElementById('id_title'), 'w-sync')"
    )

    # when: the headline is typed
    page.fill("#id_title", headline)
    page.fill("#id_release_date", "2026-11-29")
    page.fill("#id_lead", "The lead.")
    page.click("a[href='#tab-promote']")

    # then: the slug follows it, transliterated (Wagtail applies the sync 100 ms after the
    # headline's last change: the assertion waits for it)
    expect(page.locator("#id_slug")).to_have_value(slug)

    # when: the slug is one already taken, and "Save draft" is pressed on the Content tab
    page.fill("#id_slug", "taken")
    # by keyboard: the go-live date picker may still hang over the tabs
    page.focus("a[href='#tab-content']")
    page.keyboard.press("Enter")
    page.click("button.action-save")
    page.wait_for_load_state("networkidle")

    # then: the error on the Promote tab is announced, and the link opens that tab
    link = page.locator("[data-tab-error-link]")
    assert link.inner_text() == announcement
    assert page.get_attribute("#tab-label-promote", "aria-selected") != "true"
    link.click()
    expect(page.locator("#tab-label-promote")).to_have_attribute(
        "aria-selected", "true"
    )
    assert page.locator("#tab-promote .error-message").first.is_visible()


def test_approve_on_the_edit_page_publishes_on_the_first_click(
    browser, live_server, editorial
):
    # given: a live release to which an officer linked a second video, submitted for review
    release = release_as_the_editor_saves_it(editorial.news)
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
    client_for(member(OFFICERS)).post(page_edit_url(release), data)
    submitted = NewsReleasePage.objects.get(pk=release.pk).get_latest_revision()
    page = logged_in(browser, live_server, member(REVIEWERS), "en")

    # when: the reviewer opens the edit page and clicks "Approve" once
    page.goto(live_server.url + page_edit_url(release))
    page.locator("footer [data-w-dropdown-target='toggle']").first.click()
    page.get_by_role("button", name="Approve", exact=True).click()
    page.wait_for_load_state("networkidle")

    # then
    release = NewsReleasePage.objects.get(pk=release.pk)
    assert release.live_revision_id == submitted.pk
    assert release.has_unpublished_changes is False
    assert WorkflowState.objects.get(object_id=str(release.pk)).status == "approved"
    assert [link.video.title for link in release.videos.all()] == [
        "Meeting video 1",
        "Second video",
    ]
