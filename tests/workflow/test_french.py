"""In French, the admin and the public site show none of the English strings of this area."""

from __future__ import annotations

import html
import re
from pathlib import Path

from django.conf import settings
from django.urls import reverse
from django.utils.translation.template import templatize

from wagtail.users.models import UserProfile

import polib
import pytest

from core.translation import translate_with
from news.factories import NewsReleasePageFactory
from news.roles import OFFICERS, REVIEWERS, TRANSLATORS_FR
from tests.workflow.conftest import member
from tests.workflow.helpers import client_for, page_edit_url
from tests.workflow.test_translations import start_french_translation
from tests.workflow.test_workflow import workflow_action_url


# The files of this area: the strings they mark for translation are the ones we own here.
OWN_FILES = [
    "news/workflow.py",
    "news/workflow_hooks.py",
    "news/admin_views.py",
    "news/feeds.py",
    "templates/news/admin/submit_translation_for_review.html",
]
GETTEXT_CALL = re.compile(
    r"""\b(?:_|gettext|gettext_lazy)\(\s*u?(['"])((?:(?!\1).)+)\1\s*\)""", re.S
)


def own_msgids() -> set[str]:
    """The msgids of OWN_FILES, found as makemessages finds them (templates are templatized)."""
    msgids = set()
    for name in OWN_FILES:
        text = (Path(settings.BASE_DIR) / name).read_text()
        if name.endswith(".html"):
            text = templatize(text)
        msgids |= {
            re.sub(r"\s+", " ", match.group(2)).strip()
            for match in GETTEXT_CALL.finditer(text)
        }
    return msgids


def own_catalogue() -> dict[str, str]:
    catalogue = polib.pofile(
        str(Path(settings.BASE_DIR) / "locale/fr/LC_MESSAGES/django.po")
    )
    wanted = own_msgids()
    own = {entry.msgid: entry.msgstr for entry in catalogue if entry.msgid in wanted}
    assert set(own) == wanted, "not in the catalogue (run make messages): %s" % (
        wanted - set(own)
    )
    return own


def visible_text(response) -> str:
    content = response.content.decode()
    if response.get("Content-Type", "").startswith("application/json"):
        content = response.json().get("html", "")
    content = re.sub(r"<script.*?</script>", " ", content, flags=re.S)
    return html.unescape(re.sub(r"<[^>]+>", " ", content))


def english_left(text: str, catalogue: dict[str, str]) -> list[str]:
    """Our English strings (the text before any placeholder) still showing in `text`."""
    left = []
    for msgid in catalogue:
        for piece in re.split(r"%\([a-z_]+\)s", msgid):
            piece = piece.strip(" .:“”")
            if len(piece) > 3 and re.search(r"\b%s\b" % re.escape(piece), text):
                left.append(msgid)
    return left


def test_every_string_of_this_area_has_a_french_translation():
    # given
    catalogue = own_catalogue()

    # then
    assert len(catalogue) == 14
    assert [msgid for msgid, msgstr in catalogue.items() if not msgstr] == []


@pytest.fixture
def french_staff(editorial):
    people = {
        "officer": member(OFFICERS),
        "reviewer": member(REVIEWERS),
        "translator": member(TRANSLATORS_FR),
    }
    for user in people.values():
        profile = UserProfile.get_for_user(user)
        profile.preferred_language = "fr"
        profile.save()
    return people


def test_french_admin_and_site_show_no_english_string_of_ours(editorial, french_staff):
    # given: a live English release, its French translation submitted for review
    catalogue = own_catalogue()
    release = NewsReleasePageFactory(parent=editorial.news, title="Allies meet")
    translate_with(
        NewsReleasePageFactory(parent=editorial.news, title="Live one"),
        editorial.locales["fr"],
        lambda text: "Les Alliés" if text == "Live one" else text,
        publish=True,
    )
    start_french_translation(release, french_staff["officer"], editorial.locales["fr"])
    french = release.get_translation(editorial.locales["fr"])
    translator = client_for(french_staff["translator"])
    submit_url = reverse("news_submit_translation_for_review", args=[french.pk])

    # when
    pages = {
        "editor header button": translator.get(page_edit_url(french)),
        "submit page": translator.get(submit_url),
    }
    translator.post(submit_url)
    french.refresh_from_db()
    task_state = french.current_workflow_task_state
    reviewer = client_for(french_staff["reviewer"])
    pages["reject modal"] = reviewer.get(
        workflow_action_url(french, "reject", task_state),
        headers={"x-requested-with": "XMLHttpRequest"},
    )
    pages["reject without comment"] = reviewer.post(
        workflow_action_url(french, "reject", task_state),
        {"comment": ""},
        headers={"x-requested-with": "XMLHttpRequest"},
    )
    pages["rss"] = client_for(french_staff["officer"]).get("/fr/feeds/releases.rss")
    pages["atom"] = client_for(french_staff["officer"]).get("/fr/feeds/releases.atom")

    # then
    assert {
        name: response.status_code for name, response in pages.items()
    } == dict.fromkeys(pages, 200)
    assert {
        name: english_left(visible_text(response), catalogue)
        for name, response in pages.items()
    } == {name: [] for name in pages}
    # and the French is really there
    assert "Soumettre la traduction pour relecture" in visible_text(
        pages["submit page"]
    )
    assert "Commentaire" in visible_text(pages["reject modal"])
    assert "Les derniers communiqués du service de presse" in visible_text(pages["rss"])
