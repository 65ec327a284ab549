"""A form posted without the fields its page always sends is a 400, never a 500."""

from __future__ import annotations

from django.urls import reverse

from wagtail.models import Page

import pytest

from news.factories import build_release
from tests.workflow.helpers import admin_client, form_data


pytestmark = pytest.mark.django_db


@pytest.fixture
def revision(site_tree):
    release = build_release(site_tree.news, title="First title")
    first = release.save_revision()
    release.title = "Second title"
    release.save_revision().publish()
    return first


def revert_url(revision):
    return reverse(
        "wagtailadmin_pages:revisions_revert", args=[revision.object_id, revision.pk]
    )


@pytest.mark.parametrize("language", ["en", "fr"])
def test_a_revert_posted_without_its_formset_fields_is_a_400(revision, language):
    client = admin_client()
    client.post("/i18n/setlang/", {"language": language})
    page = Page.objects.get(pk=revision.object_id)
    revisions = page.revisions.count()

    response = client.post(revert_url(revision), {"title": "Posted by hand"})

    assert response.status_code == 400
    content = response.content.decode()
    if language == "fr":
        assert "Le formulaire est arrivé incomplet\xa0: rien n’a été enregistré." in (
            content
        )
    else:
        assert "The form arrived incomplete, so nothing was saved." in content
    page.refresh_from_db()
    assert (page.title, page.revisions.count()) == ("Second title", revisions)


def test_the_same_revert_with_its_form_is_saved(revision):
    url = revert_url(revision)
    data = form_data(url)
    assert data["title"] == "First title"

    response = admin_client().post(url, data)

    assert response.status_code == 302
    page = Page.objects.get(pk=revision.object_id).specific
    assert page.get_latest_revision_as_object().title == "First title"
