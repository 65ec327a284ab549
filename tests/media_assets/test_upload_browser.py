"""The upload progress bar, in real Chromium against the live server."""

import re

from django.test import Client

from wagtail.users.models import UserProfile

import pytest

from accounts.factories import UserFactory
from media_assets.models import ProcessingState, Video
from tests.browser import keep_screenshot
from tests.media_assets.videos import make_video


# Screenshots for a person to look at (outside the repository).

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_the_master_upload_shows_progress_then_the_library(live_server, browser):
    # given: an editor logged in, a 3-second master (690 kB), an upload link of 700 kB/s
    user = UserFactory(is_staff=True, is_superuser=True)
    client = Client()
    client.force_login(user)
    master = make_video("h264.mp4", seconds=3)
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
            "uploadThroughput": 700_000,
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
    page.wait_for_selector("text=the video is ready")

    # then: the bar moved through intermediate values, then the library shows the message
    body = page.inner_text("body")
    context.close()
    # (tasks run inline here: processing has finished, and the message says so)
    assert "The master was uploaded and processed: the video is ready." in body
    assert "Summit arrivals" in body
    video = Video.objects.get()
    assert video.processing_state == ProcessingState.READY
    assert video.file_size == master.stat().st_size
    assert any(0 < value < 100 for value in seen), seen
    assert seen[-1] == 100


@pytest.mark.parametrize(
    ("language", "kept_text", "error_text", "unit"),
    [
        ("en", "was kept: fix the errors and save", "must come after", "MB"),
        ("fr", "a été conservé", "doit venir après", "Mo"),
    ],
)
def test_a_shot_error_keeps_the_master_and_the_bar_is_beside_save(
    live_server, browser, language, kept_text, error_text, unit
):
    # given: an officer working in the admin in their language, on a slow upload link
    user = UserFactory(is_staff=True, is_superuser=True)
    UserProfile.get_for_user(user).__class__.objects.filter(user=user).update(
        preferred_language=language
    )
    client = Client()
    client.force_login(user)
    master = make_video("h264-1080.mp4", seconds=3)
    context = browser.new_context(viewport={"width": 1280, "height": 720})
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
            "uploadThroughput": 2_500_000,
        },
    )
    page.goto(live_server.url + "/admin/snippets/media_assets/video/add/?locale=en")
    page.fill("#id_title", "Summit arrivals")
    page.set_input_files("input[data-master-upload]", str(master))
    page.click("#id_shots-ADD")
    page.fill("#id_shots-0-start", "00:00:02:00")
    page.fill("#id_shots-0-end", "00:00:01:00")
    page.fill("#id_shots-0-description", "Arrivals")

    # when: Save, pressed at the bottom of the form
    save = page.locator("footer button[type=submit]").first
    save.scroll_into_view_if_needed()
    save.click()
    page.wait_for_function(
        "() => document.querySelector('.master-upload__progress progress').value > 0"
    )

    # then: the bar and its text are in view while the file goes up, in decimal units
    box = page.locator(".master-upload__progress").bounding_box()
    window_height = page.evaluate("window.innerHeight")
    assert box["y"] >= 0, box
    assert box["y"] + box["height"] <= window_height, box
    progress_text = page.inner_text(".master-upload__progress output")
    separator = "." if language == "en" else ","
    sizes = re.findall(r"\d+[.,]\d\u00a0\w+", progress_text)
    assert len(sizes) == 2, progress_text
    assert sizes[1] == "5%s0\u00a0%s" % (separator, unit), progress_text
    assert sizes[0].split("\u00a0")[1] in ("kB", "ko", unit), progress_text
    assert separator in sizes[0], progress_text
    keep_screenshot(page, "upload-progress-%s" % language, full_page=False)

    # when: the answer comes back with the shot error
    page.wait_for_selector(".master-upload__kept", timeout=60_000)
    keep_screenshot(page, "upload-kept-%s" % language)

    # then: the error is given and the master is announced as kept
    body = page.inner_text("body")
    assert error_text in body
    assert kept_text in page.inner_text(".master-upload__kept")
    assert Video.objects.count() == 0

    # when: the shot is fixed and the form saved again without choosing the file
    page.fill("#id_shots-0-start", "00:00:00:00")
    page.locator("footer button[type=submit]").first.click()
    page.wait_for_url(
        re.compile(r"/admin/snippets/media_assets/video/(\?.*)?$"), timeout=60_000
    )

    # then: the video exists with the master that was uploaded once
    context.close()
    video = Video.objects.get()
    assert video.file_size == master.stat().st_size
    assert video.shots.get().description == "Arrivals"
