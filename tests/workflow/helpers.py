"""Drive the Wagtail admin as a person would: fetch a form as an administrator, post it as anyone."""

from __future__ import annotations

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
    if form_id is None:
        data = querydict_from_html(html, form_index=_main_form_index(html))
    else:
        data = querydict_from_html(html, form_id=form_id)
    if "/admin/pages/" in url and "body-count" not in data:
        # A release's StreamField is rendered by JavaScript: post an empty body, as the editor would.
        data["body-count"] = "0"
    for key, value in changes.items():
        data[key] = value
    return data


def _main_form_index(html: str) -> int:
    # The first form is the admin search in the sidebar; the editing form carries the CSRF token.
    from wagtail.test.utils import WagtailTestUtils

    forms = WagtailTestUtils.get_soup(html).find_all("form")
    for index, form in enumerate(forms):
        if form.attrs.get("method", "").lower() == "post" and form.find(
            "input", attrs={"name": "csrfmiddlewaretoken"}
        ):
            return index
    raise AssertionError("No POST form on the page.")


def page_edit_url(page) -> str:
    return reverse("wagtailadmin_pages:edit", args=[page.pk])


def page_add_url(parent) -> str:
    return reverse(
        "wagtailadmin_pages:add", args=["news", "newsreleasepage", parent.pk]
    )
