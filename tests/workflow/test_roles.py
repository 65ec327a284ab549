"""Every role against every action of the issue's table, through the admin's real URLs (direct POSTs)."""

from __future__ import annotations

from django.contrib.auth.models import Group
from django.urls import reverse

from wagtail.models import GroupPagePermission

import pytest

from accounts.models import User
from media_assets.factories import ShotFactory
from news.factories import NewsReleasePageFactory, SpeakerFactory, TopicFactory
from news.models import NewsReleasePage, Speaker, Topic
from news.roles import (
    ALL_GROUPS,
    MANAGERS,
    OFFICERS,
    REVIEWERS,
    TRANSLATORS_EN,
    TRANSLATORS_FR,
    ensure_roles,
)
from tests.workflow.conftest import member
from tests.workflow.helpers import client_for, form_data, page_add_url, page_edit_url


EDITORS_MAY = [
    (OFFICERS, True),
    (REVIEWERS, True),
    (MANAGERS, True),
    (TRANSLATORS_FR, False),
    (TRANSLATORS_EN, False),
]
PUBLISHERS_MAY = [
    (OFFICERS, False),
    (REVIEWERS, True),
    (MANAGERS, True),
    (TRANSLATORS_FR, False),
    (TRANSLATORS_EN, False),
]
MANAGERS_MAY = [
    (OFFICERS, False),
    (REVIEWERS, False),
    (MANAGERS, True),
    (TRANSLATORS_FR, False),
    (TRANSLATORS_EN, False),
]


def draft_release(parent, **kwargs) -> NewsReleasePage:
    page = NewsReleasePageFactory(parent=parent, live=False, **kwargs)
    page.save_revision()
    return page


def live_release(parent, **kwargs) -> NewsReleasePage:
    page = NewsReleasePageFactory(parent=parent, live=False, **kwargs)
    page.save_revision().publish()
    return NewsReleasePage.objects.get(pk=page.pk)


def test_ensure_roles_is_idempotent_and_repairs_extra_permissions(editorial):
    # given: someone gave officers the publish permission by hand
    officers = Group.objects.get(name=OFFICERS)
    GroupPagePermission.objects.create(
        group=officers, page=editorial.news, permission_type="publish"
    )

    # when: asked to fix (without --fix, see tests/test_setup_commands.py)
    ensure_roles(fix=True)
    ensure_roles(fix=True)

    # then
    assert sorted(
        Group.objects.filter(name__in=ALL_GROUPS).values_list("name", flat=True)
    ) == sorted(ALL_GROUPS)
    assert sorted(
        GroupPagePermission.objects.filter(group=officers).values_list(
            "page__locale__language_code", "permission__codename"
        )
    ) == sorted(
        (language, codename)
        for language in ("en", "fr")
        for codename in ("add_page", "change_page", "lock_page")
    )


@pytest.mark.parametrize(("group_name", "allowed"), EDITORS_MAY)
def test_create_release(editorial, group_name, allowed):
    # given
    url = page_add_url(editorial.news)
    data = form_data(
        url,
        title="Ministers meet in Brussels",
        slug="ministers-meet",
        lead="They met.",
        release_date="2025-11-19",
    )

    # when
    response = client_for(member(group_name)).post(url, data)

    # then
    created = NewsReleasePage.objects.filter(slug="ministers-meet")
    assert created.exists() is allowed, response.status_code
    if allowed:
        assert created.get().live is False


@pytest.mark.parametrize(("group_name", "allowed"), EDITORS_MAY)
def test_edit_release(editorial, group_name, allowed):
    # given
    page = draft_release(editorial.news, title="Before")
    data = form_data(page_edit_url(page), title="After")

    # when
    client_for(member(group_name)).post(page_edit_url(page), data)

    # then
    latest = NewsReleasePage.objects.get(pk=page.pk).get_latest_revision_as_object()
    assert latest.title == ("After" if allowed else "Before")


@pytest.mark.parametrize(("group_name", "allowed"), EDITORS_MAY)
def test_submit_release_for_review(editorial, group_name, allowed):
    # given
    page = draft_release(editorial.news)
    data = form_data(page_edit_url(page), **{"action-submit": "Submit"})

    # when
    client_for(member(group_name)).post(page_edit_url(page), data)

    # then
    page = NewsReleasePage.objects.get(pk=page.pk)
    assert page.workflow_in_progress is allowed
    assert page.live is False


@pytest.mark.parametrize(("group_name", "allowed"), PUBLISHERS_MAY)
def test_publish_release_directly(editorial, group_name, allowed):
    # given
    page = draft_release(editorial.news)
    data = form_data(page_edit_url(page), **{"action-publish": "Publish"})

    # when
    client_for(member(group_name)).post(page_edit_url(page), data)

    # then
    page = NewsReleasePage.objects.get(pk=page.pk)
    assert page.live is allowed
    assert (page.live_revision_id is not None) is allowed


@pytest.mark.parametrize(("group_name", "allowed"), PUBLISHERS_MAY)
def test_unpublish_release(editorial, group_name, allowed):
    # given
    page = live_release(editorial.news)
    url = reverse("wagtailadmin_pages:unpublish", args=[page.pk])

    # when
    client_for(member(group_name)).post(url)

    # then
    assert NewsReleasePage.objects.get(pk=page.pk).live is not allowed


@pytest.mark.parametrize(("group_name", "allowed"), EDITORS_MAY)
def test_create_speaker_and_topic(editorial, group_name, allowed):
    # given
    speaker_url = reverse("wagtailsnippets_news_speaker:add")
    topic_url = reverse("wagtailsnippets_news_topic:add")
    speaker_data = form_data(
        speaker_url, name="Jane Doe", title="Spokesperson", organisation="HQ"
    )
    topic_data = form_data(topic_url, name="Cyber defence")
    client = client_for(member(group_name))

    # when
    client.post(speaker_url, speaker_data)
    client.post(topic_url, topic_data)

    # then
    assert Speaker.objects.filter(name="Jane Doe").exists() is allowed
    assert Topic.objects.filter(name="Cyber defence").exists() is allowed


@pytest.mark.parametrize(("group_name", "allowed"), EDITORS_MAY)
def test_edit_speaker_and_topic(editorial, group_name, allowed):
    # given
    speaker = SpeakerFactory(title="Spokesperson")
    topic = TopicFactory(name="Intelligence")
    speaker_url = reverse("wagtailsnippets_news_speaker:edit", args=[speaker.pk])
    topic_url = reverse("wagtailsnippets_news_topic:edit", args=[topic.pk])
    speaker_data = form_data(speaker_url, title="Secretary General")
    topic_data = form_data(topic_url, name="Intelligence sharing")
    client = client_for(member(group_name))

    # when
    client.post(speaker_url, speaker_data)
    client.post(topic_url, topic_data)

    # then
    assert Speaker.objects.get(pk=speaker.pk).title == (
        "Secretary General" if allowed else "Spokesperson"
    )
    assert Topic.objects.get(pk=topic.pk).name == (
        "Intelligence sharing" if allowed else "Intelligence"
    )


@pytest.mark.parametrize(("group_name", "allowed"), EDITORS_MAY)
def test_edit_video_description_and_shot_list(editorial, group_name, allowed):
    # given
    shot = ShotFactory(description="Wide shot of the room")
    video = shot.video
    url = reverse("wagtailsnippets_media_assets_video:edit", args=[video.pk])
    data = form_data(
        url,
        description="The opening of the meeting.",
        **{"shots-0-description": "Close-up of the chair"},
    )

    # when
    client_for(member(group_name)).post(url, data)

    # then
    video.refresh_from_db()
    shot.refresh_from_db()
    assert (video.description == "The opening of the meeting.") is allowed
    assert (shot.description == "Close-up of the chair") is allowed


@pytest.mark.parametrize(("group_name", "allowed"), MANAGERS_MAY)
def test_manage_users(editorial, group_name, allowed):
    # given
    url = reverse("wagtailusers_users:add")
    data = form_data(
        url,
        email="new.officer@example.org",
        first_name="New",
        last_name="Officer",
        password1="Str0ng-enough-pass!",
        password2="Str0ng-enough-pass!",
    )

    # when
    client_for(member(group_name)).post(url, data)

    # then
    assert User.objects.filter(email="new.officer@example.org").exists() is allowed


@pytest.mark.parametrize(("group_name", "allowed"), MANAGERS_MAY)
def test_reports_permissions(editorial, group_name, allowed):
    # given
    user = member(group_name)

    # then: managers read what the reports are built from; nobody else does
    assert user.has_perm("media_assets.view_video") is allowed
    assert user.has_perm("accounts.view_user") is allowed
