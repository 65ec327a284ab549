"""The part chooser in Chromium, by keyboard only, in each language, with axe-core.

Mark in and out at the player's position (I, O, ←, →), tick shots, choose the frame-accurate
cut, prepare: a real Celery worker makes the part while the status page's progress bar moves
to 100, then the part downloads (signed link) and is the worker's file, byte for byte.

Robust under load: the status page is checked while its part waits in the queue (the worker
starts after), every value the page gives its progress bar is recorded by the page itself
(a test loop reading it could miss the last one before the reload), and the worker's ffmpeg
reads its input at no more than twice real time, so that the job lasts long enough for the
page's once-a-second polls to see it in the middle, on a quiet machine as on a busy one.

One part for both languages: the French journalist asks for the same frames after the English
one, joins the same job, and both status pages follow it (one worker, one ffmpeg run).
"""

from __future__ import annotations

import os
import shutil
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.contrib.staticfiles.handlers import StaticFilesHandler
from django.core.files import File
from django.db import connections
from django.test import Client
from django.utils import timezone

import pytest

from accounts.factories import VerifiedJournalistFactory
from media_assets.factories import ShotFactory
from media_assets.models import Clip
from tests.browser import no_serious_violations, press_until_focused
from tests.downloads import appserver
from tests.media_assets.clip_videos import video_with_master
from tests.media_assets.test_clips_worker import queue, worker_process  # noqa: F401


TEXT = {
    "en": {
        "help": "Keyboard: I marks the in-point and O the out-point",
        "estimate": "Expected duration: 0.84 s",
        "exact": "Frame-accurate: exactly the frames chosen (takes longer).",
        "prepare": "Prepare",
        "download": "Download the part",
    },
    "fr": {
        "help": "Clavier : I marque l’entrée et O la sortie",
        "estimate": "Durée prévue : 0,84 s",
        "exact": "À l’image près : exactement les images choisies (plus long).",
        "prepare": "Préparer",
        "download": "Télécharger l’extrait",
    },
}


# Every value the page gives a <progress> (and the one it renders with), kept in the tab's
# sessionStorage so that the values survive the page's reload when the part is ready.
RECORD_PROGRESS = """
(() => {
  const KEY = "progress-seen";
  const record = (value) => {
    const seen = JSON.parse(sessionStorage.getItem(KEY) || "[]");
    seen.push(Number(value));
    sessionStorage.setItem(KEY, JSON.stringify(seen));
  };
  const property = Object.getOwnPropertyDescriptor(HTMLProgressElement.prototype, "value");
  Object.defineProperty(HTMLProgressElement.prototype, "value", {
    configurable: true,
    get() { return property.get.call(this); },
    set(value) { property.set.call(this, value); record(property.get.call(this)); },
  });
  document.addEventListener("DOMContentLoaded", () => {
    const bar = document.getElementById("part-progress");
    if (bar) record(bar.value);
  });
})();
"""


def progress_seen(page) -> list[int]:
    """The progress bar's values, in order, and only where the page changed them."""
    values = page.evaluate(
        "() => JSON.parse(sessionStorage.getItem('progress-seen') || '[]')"
    )
    return [v for n, v in enumerate(values) if n == 0 or values[n - 1] != v]


def slow_ffmpeg(directory: Path) -> dict:
    """The worker's PATH: an ffmpeg that reads a cut's input at most twice real time.

    Only the runs that report progress (the cut's own, not the gate's checks): the 9.6 s
    part then takes several seconds whatever the machine, long enough to be seen running.
    """
    directory.mkdir()
    real = shutil.which("ffmpeg")
    shim = directory / "ffmpeg"
    shim.write_text(
        '#!/bin/sh\ncase " $* " in *" -progress "*) exec %s -readrate 2 "$@";; esac\n'
        'exec %s "$@"\n' % (real, real)
    )
    shim.chmod(0o755)
    return {"PATH": "%s:%s" % (directory, os.environ["PATH"])}


def choose_and_prepare(page, base: str, language: str, video, shots) -> None:
    """In `language`: mark in and out at the player by keyboard, tick two shots, prepare."""
    text = TEXT[language]
    page.goto(base + "/%s/parts/choose/%d/" % (language, video.pk))
    page.wait_for_function(
        "() => document.getElementById('part-player').readyState >= 1"
    )
    assert text["help"] in page.locator(".part-chooser .help").first.inner_text()
    no_serious_violations(page, "chooser " + language)
    for _frame in range(5):
        page.keyboard.press("ArrowRight")
    page.keyboard.press("i")
    for _frame in range(20):
        page.keyboard.press("ArrowRight")
    page.keyboard.press("o")

    # then
    assert page.locator("#part-in").input_value() == "00:00:00:05"
    assert page.locator("#part-out").input_value() == "00:00:01:01"
    assert text["estimate"] in page.locator("#part-estimate").inner_text()

    # when: two shots ticked, the frame-accurate cut, prepare
    for shot in (shots[0], shots[2]):
        box = page.get_by_role("checkbox", name=shot.description)
        press_until_focused(page, box)
        page.keyboard.press("Space")
        assert box.is_checked()
    press_until_focused(page, page.get_by_role("radio", checked=True).last)
    page.keyboard.press("ArrowDown")
    assert page.get_by_role("radio", name=text["exact"]).is_checked()
    press_until_focused(page, page.get_by_role("button", name=text["prepare"]))
    with page.expect_navigation():
        page.keyboard.press("Enter")

    # then: the status page, its part queued (no worker yet: it cannot reload)
    assert page.locator("#part-progress").count() == 1
    no_serious_violations(page, "status " + language)


@pytest.mark.browser
@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_part_chooser_by_keyboard_in_english_and_in_french(
    browser,
    queue,  # noqa: F811
    tmp_path,
):
    # given: a public 12-second master (its own preview), three shots, two journalists
    video = video_with_master(
        "h264_open_long", public_since=timezone.now(), title="Press briefing"
    )
    with Path(video.file.path).open("rb") as handle:
        video.preview.save("preview-parts.mp4", File(handle))
    shots = [
        ShotFactory(video=video, start=Decimal(a), end=Decimal(b), description=name)
        for a, b, name in [
            ("0.4", "5.2", "Arrival of the delegations"),
            ("5.2", "6.8", "Handshake"),
            ("6.8", "11.6", "Opening statement"),
        ]
    ]

    with appserver.app_server(wrap=StaticFilesHandler) as base:
        pages = {}
        try:
            for language in TEXT:
                client = Client()
                client.force_login(VerifiedJournalistFactory())
                cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
                context = browser.new_context(locale=language, accept_downloads=True)
                context.add_cookies(
                    [
                        {
                            "name": settings.SESSION_COOKIE_NAME,
                            "value": cookie,
                            "url": base,
                        }
                    ]
                )
                context.add_init_script(RECORD_PROGRESS)
                pages[language] = context.new_page()

                # when: in each language, the same part is chosen and asked for
                choose_and_prepare(pages[language], base, language, video, shots)

            # then: one part for both (the French journalist's request joined the first)
            clip = Clip.objects.get()
            assert clip.state == "queued"

            # when: a worker takes the job
            links = {
                language: page.get_by_role("link", name=TEXT[language]["download"])
                for language, page in pages.items()
            }
            with worker_process(queue, tmp_path / "var", slow_ffmpeg(tmp_path / "bin")):
                # then: on each page the progress bar moves to 100 and offers the download
                for link in links.values():
                    link.wait_for(timeout=300_000)
            clip.refresh_from_db()
            assert clip.state == "ready", clip.error_detail
            assert clip.spans == [[10, 130], [170, 290]]
            assert clip.gate["passed"] is True
            stored = Path(settings.PRIVATE_MEDIA_ROOT) / clip.file.name

            for language, page in pages.items():
                seen = progress_seen(page)
                assert seen == sorted(seen), (language, seen)
                assert seen[0] == 0, (language, seen)
                assert seen[-1] == 100, (language, seen)
                assert any(0 < value < 100 for value in seen), (language, seen)
                no_serious_violations(page, "ready " + language)

                # when: downloaded by keyboard
                press_until_focused(page, links[language])
                with page.expect_download() as download_info:
                    page.keyboard.press("Enter")
                download = download_info.value
                target = tmp_path / ("part-%s.mp4" % language)
                download.save_as(target)

                # then: the worker's file, named after the video and the timecodes
                assert target.read_bytes() == stored.read_bytes()
                assert download.suggested_filename == (
                    "press-briefing_00-00-00-10_00-00-11-15.mp4"
                )
        finally:
            for page in pages.values():
                page.context.close()
            connections.close_all()
