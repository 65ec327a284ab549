"""The download panel in Chromium, by keyboard only, in each language, with axe-core.

anonymous on the video page → create an account (from the panel) → verify the code → back on
the video page → accept the terms → the master downloads; a shot's timecode seeks the player
(the preview is served with Range).
"""

from __future__ import annotations

import hashlib
import subprocess
from decimal import Decimal

from django.contrib.staticfiles.handlers import StaticFilesHandler
from django.core.files import File
from django.db import connections

import pytest

from media_assets.models import Shot
from tests.accounts.conftest import smtp_server  # noqa: F401 (fixture)
from tests.browser import no_serious_violations, press_until_focused
from tests.downloads import appserver


PASSWORD = "Correct-Horse-42!"
TEXT = {
    "en": {
        "create": "Create an account",
        "email": "Email",
        "password": "Password",
        "password_again": "Password (again)",
        "code": "Code",
        "accept": "I accept the usage terms.",
    },
    "fr": {
        "create": "Créer un compte",
        "email": "E-mail",
        "password": "Mot de passe",
        "password_again": "Mot de passe (confirmation)",
        "code": "Code",
        "accept": "J’accepte les usage terms.",
    },
}


@pytest.fixture
def playable_preview(public_video, tmp_path):
    """A real 12-second H.264 preview (a keyframe each second) so the player can seek."""
    path = tmp_path / "preview.mp4"
    subprocess.run(
        [
            "ffmpeg", "-v", "error", "-f", "lavfi", "-i",
            "testsrc=size=320x180:rate=25:duration=12", "-c:v", "libx264",
            "-preset", "ultrafast", "-g", "25", "-pix_fmt", "yuv420p",
            "-movflags", "+faststart", str(path),
        ],
        check=True,
    )  # fmt: skip
    with path.open("rb") as handle:
        public_video.preview.save("preview-browser.mp4", File(handle))
    return public_video


@pytest.mark.browser
@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.parametrize("language", ["en", "fr"])
def test_panel_journey_by_keyboard(
    language,
    browser,
    smtp_server,  # noqa: F811
    playable_preview,
    terms,
    settings,
    tmp_path,
):
    video = playable_preview
    text = TEXT[language]
    Shot.objects.filter(video=video).update(
        start=Decimal(8)
    )  # every shot starts at 8 s
    email = "journalist-%s@example.org" % language
    handler = StaticFilesHandler
    with appserver.app_server(wrap=handler) as base:
        settings.WAGTAILADMIN_BASE_URL = base
        context = browser.new_context(locale=language, accept_downloads=True)
        context.grant_permissions(["clipboard-read", "clipboard-write"], origin=base)
        page = context.new_page()
        try:
            url = base + video.get_public_url(language)
            page.goto(url)
            no_serious_violations(page, "anonymous")

            # a shot's timecode seeks the player (Range on the preview)
            timecode = page.locator(".shot-list a.timecode").first
            press_until_focused(page, timecode)
            page.keyboard.press("Enter")
            page.wait_for_function(
                "() => document.querySelector('video').currentTime >= 8"
            )
            seekable = page.evaluate(
                "() => { const v = document.querySelector('video');"
                " return v.seekable.length ? v.seekable.end(0) : 0; }"
            )
            assert seekable == pytest.approx(12, abs=0.1)

            # create an account from the panel
            panel = page.locator(".download-panel")
            press_until_focused(page, panel.get_by_role("link", name=text["create"]))
            with page.expect_navigation():
                page.keyboard.press("Enter")
            press_until_focused(page, page.get_by_role("textbox", name=text["email"]))
            page.keyboard.type(email)
            press_until_focused(page, page.get_by_label(text["password"], exact=True))
            page.keyboard.type(PASSWORD)
            press_until_focused(
                page, page.get_by_label(text["password_again"], exact=True)
            )
            page.keyboard.type(PASSWORD)
            with page.expect_navigation():
                page.keyboard.press("Enter")
            [mail] = smtp_server.wait_for(email)
            press_until_focused(page, page.get_by_role("textbox", name=text["code"]))
            page.keyboard.type(mail.code)
            with page.expect_navigation():
                page.keyboard.press("Enter")

            # back on the video page, verified: accept the terms and download
            assert page.url == url
            no_serious_violations(page, "verified")
            press_until_focused(page, page.get_by_label(text["accept"], exact=True))
            page.keyboard.press("Space")
            button = panel.get_by_role("button")
            press_until_focused(page, button)
            with page.expect_download() as download_info:
                page.keyboard.press("Enter")
            download = download_info.value
            target = tmp_path / "master.mxf"
            download.save_as(target)
            assert hashlib.sha256(target.read_bytes()).hexdigest() == video.checksum
            assert download.suggested_filename == (
                "2025-11-19 Secretary General meets heads of allied intelligence "
                "services 1080i25.mxf"
            )
        finally:
            context.close()
            connections.close_all()
