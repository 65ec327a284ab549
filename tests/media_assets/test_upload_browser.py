"""The upload progress bar, in real Chromium against the live server."""

import re

from django.test import Client

import pytest

from accounts.factories import UserFactory
from media_assets.models import ProcessingState, Video
from tests.media_assets.videos import make_video


pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_the_master_upload_shows_progress_then_the_library(live_server, browser):
    # given: an editor logged in, a 3-second 1080p master, an upload link of 2 MB/s
    user = UserFactory(is_staff=True, is_superuser=True)
    client = Client()
    client.force_login(user)
    master = make_video("h264-1080.mp4", seconds=3)
    context = browser.new_context()
    context.add_cookies(
        [
            {
                "name": "sessionid",
                "value": client.cookies["sessionid"].value,
                "url": live_server.url,
            }
        ]
    )
    page = context.new_page()
    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send(
        "Network.emulateNetworkConditions",
        {
            "offline": False,
            "latency": 0,
            "downloadThroughput": -1,
            "uploadThroughput": 2_000_000,
        },
    )
    page.goto(live_server.url + "/admin/snippets/media_assets/video/add/?locale=en")
    page.fill("#id_title", "Summit arrivals")
    page.set_input_files("input[data-master-upload]", str(master))
    seen = []
    page.expose_function("recordProgress", lambda value: seen.append(value))
    page.evaluate(
        """() => {
          const bar = document.querySelector(".master-upload__progress progress");
          new MutationObserver(() => window.recordProgress(bar.value))
            .observe(bar, {attributes: true});
        }"""
    )

    # when
    page.click("button[type=submit]:has-text('Save')")
    page.wait_for_selector(".master-upload__progress:not([hidden])")
    page.wait_for_url(
        re.compile(r"/admin/snippets/media_assets/video/(\?.*)?$"), timeout=60_000
    )
    page.wait_for_selector("text=processing has been queued")

    # then: the bar moved through intermediate values, then the library shows the message
    body = page.inner_text("body")
    context.close()
    assert "The master was uploaded: processing has been queued." in body
    assert "Summit arrivals" in body
    video = Video.objects.get()
    assert video.processing_state == ProcessingState.READY
    assert video.file_size == master.stat().st_size
    assert any(0 < value < 100 for value in seen), seen
    assert seen[-1] == 100
