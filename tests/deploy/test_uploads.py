"""Uploads of masters as deployed: nginx buffers the body, gunicorn never waits on a client."""

import http.client
import secrets
import time
import uuid
from urllib.parse import urlsplit

from django.test import Client

import pytest

from accounts.factories import UserFactory
from cms.celery import app as celery_app
from media_assets.models import Video
from tests.media_assets.admin_forms import ADD_URL, video_form
from tests.media_assets.streaming import MultipartFromDisk
from tests.media_assets.videos import make_video
from tests.nginx import GUNICORN_UPLOAD_CONF, post_throttled


pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.fixture
def media_queue():
    """The processing job of the upload goes to a queue of its own, deleted afterwards."""
    queue = "test-upload-%s" % uuid.uuid4().hex[:10]
    yield queue
    with celery_app.connection_for_write() as connection:
        connection.default_channel.queue_delete(queue)


def test_a_slow_upload_goes_to_the_upload_workers_through_nginx(
    nginx, gunicorn, media_queue, settings, tmp_path
):
    master = make_video("h264-1080.mp4", seconds=3)
    editor = UserFactory(is_staff=True, is_superuser=True)
    client = Client()
    client.force_login(editor)
    csrf = secrets.token_hex(16)  # 32 characters: a valid unmasked CSRF secret
    web = gunicorn(workers=1)
    uploads = gunicorn(
        workers=1, config=GUNICORN_UPLOAD_CONF, NEWSROOM_MEDIA_QUEUE=media_queue
    )
    base_url = nginx({"newsroom_web": web, "newsroom_upload": uploads})
    body = MultipartFromDisk(
        video_form(title="Slow link", csrfmiddlewaretoken=csrf), "file", master
    )

    try:
        status, headers, seconds, _sending = post_throttled(
            base_url,
            ADD_URL,
            body,
            rate=body.length / 2,  # two seconds, as a slow link would
            headers={
                "Cookie": "sessionid=%s; csrftoken=%s"
                % (client.cookies["sessionid"].value, csrf)
            },
        )
    finally:
        body.close()

    assert (status, seconds > 2) == (302, True), headers
    video = Video.objects.get(title="Slow link")
    assert video.file.size == master.stat().st_size
    assert (settings.PRIVATE_MEDIA_ROOT / video.file.name).exists()
    # The upload workers took it (buffered by nginx: "HTTP/1.0" from nginx), not the web's.
    # (gunicorn's fixture logs to tmp_path/gunicorn-N/gunicorn.log, in order of start)
    # gunicorn writes the access log line just after the response: wait for it.
    line = '"POST /admin/snippets/media_assets/video/add/?locale=en HTTP/1.0" 302'
    deadline = time.monotonic() + 10
    while True:
        logs = {
            name: (tmp_path / ("gunicorn-%d" % number) / "gunicorn.log").read_text()
            for number, name in ((1, "web"), (2, "uploads"))
        }
        if line in logs["uploads"] or time.monotonic() > deadline:
            break
        time.sleep(0.1)
    assert line in logs["uploads"]
    assert "POST" not in logs["web"]


def test_a_large_body_outside_the_upload_forms_is_refused_before_it_is_sent(nginx):
    base_url = urlsplit(nginx("127.0.0.1:9"))  # never reached
    connection = http.client.HTTPConnection(base_url.hostname, base_url.port)
    connection.putrequest("POST", "/en/accounts/login/")
    connection.putheader("Content-Type", "application/x-www-form-urlencoded")
    connection.putheader("Content-Length", str(101 * 1024 * 1024))
    connection.endheaders()

    response = connection.getresponse()

    assert response.status == 413
    connection.close()
