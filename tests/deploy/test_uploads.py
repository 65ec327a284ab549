"""Uploads of masters as deployed: nginx buffers the body, gunicorn never waits on a client."""

import http.client
import secrets
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
from tests.nginx import post_throttled


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


def test_a_slow_upload_outlasting_gunicorns_timeout_succeeds_through_nginx(
    nginx, gunicorn, media_queue, settings
):
    master = make_video("h264-1080.mp4", seconds=3)
    editor = UserFactory(is_staff=True, is_superuser=True)
    client = Client()
    client.force_login(editor)
    csrf = secrets.token_hex(16)  # 32 characters: a valid unmasked CSRF secret
    # A worker that stays busy 4 seconds is killed: the upload lasts twice as long.
    base_url = nginx(
        gunicorn(
            workers=1,
            extra_args=("--timeout", "4"),
            NEWSROOM_MEDIA_QUEUE=media_queue,
        )
    )
    body = MultipartFromDisk(
        video_form(title="Slow link", csrfmiddlewaretoken=csrf), "file", master
    )

    try:
        status, headers, seconds, _sending = post_throttled(
            base_url,
            ADD_URL,
            body,
            rate=body.length / 8,
            headers={
                "Cookie": "sessionid=%s; csrftoken=%s"
                % (client.cookies["sessionid"].value, csrf)
            },
        )
    finally:
        body.close()

    assert (status, seconds > 8) == (302, True), headers
    video = Video.objects.get(title="Slow link")
    assert video.file.size == master.stat().st_size
    assert (settings.PRIVATE_MEDIA_ROOT / video.file.name).exists()


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
