"""The release editor: slug from the headline, the reviewer's comment, the schedule's time zone."""

from __future__ import annotations

from wagtail.users.models import UserProfile

import pytest

from news.models import NewsReleasePage
from news.roles import OFFICERS, REVIEWERS
from tests.workflow.conftest import member
from tests.workflow.helpers import client_for, form_data, page_add_url, page_edit_url
from tests.workflow.test_roles import draft_release
from tests.workflow.test_workflow import submit, workflow_action_url


def in_language(user, language):
    profile = UserProfile.get_for_user(user)
    profile.preferred_language = language
    profile.save()
    return user


@pytest.mark.parametrize(
    ("language", "headline", "slug"),
    [
        (
            "en",
            "Secretary General opens the Brussels summit",
            "secretary-general-opens-the-brussels-summit",
        ),
        (
            "fr",
            "Le Secrétaire général ouvre le sommet à Bruxelles",
            "le-secretaire-general-ouvre-le-sommet-a-bruxelles",
        ),
    ],
)
def test_a_new_release_saved_without_a_slug_takes_it_from_its_headline(
    editorial, language, headline, slug
):
    # given: the add form with no slug (the Promote tab left alone)
    parent = editorial.news_in(language)
    data = form_data(
        page_add_url(parent),
        title=headline,
        slug="",
        release_date="2026-11-29",
        lead="The lead.",
    )

    # when
    response = client_for(member(OFFICERS)).post(page_add_url(parent), data)

    # then: saved as a draft, the slug transliterated without accents
    assert response.status_code == 302
    page = NewsReleasePage.objects.get(title=headline)
    assert (page.slug, page.live) == (slug, False)


def test_the_editor_syncs_the_slug_from_the_headline_without_accents(editorial):
    # when
    html = (
        client_for(member(OFFICERS)).get(page_add_url(editorial.news)).content.decode()
    )

    # then: Wagtail's title-to-slug sync is on the headline, slugs are ASCII
    assert 'data-w-sync-target-value="#id_slug"' in html
    assert "data-w-slug-allow-unicode-value" not in html or (
        'data-w-slug-allow-unicode-value="false"' in html
    )


@pytest.mark.parametrize(
    ("language", "sentence"),
    [
        ("en", "Changes requested by Rita Reviewer on "),
        ("fr", "Modifications demandées par Rita Reviewer le "),
    ],
)
def test_the_officer_sees_the_reviewers_comment_until_the_next_submission(
    editorial, language, sentence
):
    # given: a release sent back with a comment
    officer = in_language(member(OFFICERS), language)
    reviewer = member(REVIEWERS, first_name="Rita", last_name="Reviewer")
    page = draft_release(editorial.news, title="Allies meet")
    task_state = submit(page, officer)
    client_for(reviewer).post(
        workflow_action_url(page, "reject", task_state),
        {"comment": "Name the ministers in the lead."},
    )

    # when
    shown = client_for(officer).get(page_edit_url(page)).content.decode()
    submit(page, officer)
    after = client_for(officer).get(page_edit_url(page)).content.decode()

    # then
    assert sentence in shown
    assert "Name the ministers in the lead." in shown
    assert "Name the ministers in the lead." not in after


@pytest.mark.parametrize(
    ("language", "help_text"),
    [
        ("en", "Brussels time (Europe/Brussels)."),
        ("fr", "Heure de Bruxelles (Europe/Brussels)."),
    ],
)
def test_the_schedule_dialog_says_which_time_zone(editorial, language, help_text):
    # given
    reviewer = in_language(member(REVIEWERS), language)
    page = draft_release(editorial.news, title="Allies meet")

    # when
    html = client_for(reviewer).get(page_edit_url(page)).content.decode()

    # then: both go-live and expiry say it, in the schedule dialog
    dialog = html[html.index('id="schedule-publishing-dialog"') :]
    assert dialog.count(help_text) == 2
