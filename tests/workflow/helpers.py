"""Drive the Wagtail admin as a person would: fetch a form as an administrator, post it as anyone."""

from __future__ import annotations

import re

from django.test import Client
from django.urls import reverse

from wagtail.test.utils.form_data import querydict_from_html

from accounts.factories import UserFactory


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def admin_client() -> Client:
    return client_for(UserFactory(is_superuser=True, is_staff=True))


def form_data(url: str, form_id: str | None = None, **changes):
    """The data of the admin form at `url` as an administrator sees it, with `changes` applied."""
    response = admin_client().get(url)
    assert response.status_code == 200, (url, response.status_code)
    html = response.content.decode()
    # only the form is parsed: about half of an edit page is the admin around it
    data = querydict_from_html(_form_markup(html, form_id), form_index=0)
    if "/admin/pages/" in url and "body-count" not in data:
        # A release's StreamField is rendered by JavaScript: post an empty body, as the editor would.
        data["body-count"] = "0"
    for key, value in changes.items():
        data[key] = value
    return data


FORM_TAG = re.compile(r"<form\b[^>]*>", re.IGNORECASE)


CLOSING_FORM_TAG = re.compile(r"</form\s*>", re.IGNORECASE)


def _form_markup(html: str, form_id: str | None) -> str:
    """The markup of the form with id `form_id`, or of the main one (`_main_form`)."""
    tags = list(FORM_TAG.finditer(html))
    if form_id is None:
        tag = _main_form(html, tags)
    else:
        found = [
            t
            for t in tags
            if re.search(r"""\bid=["']?%s["'\s>]""" % re.escape(form_id), t.group(0))
        ]
        assert found, 'No form was found with id "%s".' % form_id
        tag = found[0]
    # to its own closing tag, past any form nested in it
    depth, position = 1, tag.end()
    while depth:
        opening = FORM_TAG.search(html, position)
        closing = CLOSING_FORM_TAG.search(html, position)
        assert closing, "The form is not closed."
        if opening and opening.start() < closing.start():
            depth, position = depth + 1, opening.end()
        else:
            depth, position = depth - 1, closing.end()
    return html[tag.start() : position]


def _main_form(html: str, tags: list[re.Match]) -> re.Match:
    """The first POST form holding a CSRF token (the first form is the admin search in the sidebar).

    Found in the markup itself: parsing the whole admin page once more cost as much as the
    request.
    """
    for index, tag in enumerate(tags):
        end = tags[index + 1].start() if index + 1 < len(tags) else len(html)
        post = re.search(r"""method=["']?post""", tag.group(0), re.IGNORECASE)
        if post and 'name="csrfmiddlewaretoken"' in html[tag.end() : end]:
            return tag
    raise AssertionError("No POST form on the page.")


def page_edit_url(page) -> str:
    return reverse("wagtailadmin_pages:edit", args=[page.pk])


def page_add_url(parent) -> str:
    return reverse(
        "wagtailadmin_pages:add", args=["news", "newsreleasepage", parent.pk]
    )
