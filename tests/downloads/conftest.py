from __future__ import annotations

import datetime
import hashlib
import random
from decimal import Decimal

from django.core.files.base import ContentFile

import pytest

from cms.celery import app as celery_app
from media_assets.factories import ShotFactory, VideoFactory
from media_assets.models import UsageTerms
from tests.downloads.helpers import release_showing


@pytest.fixture(autouse=True)
def _inline_celery():
    """Tasks run inline here (CELERY_BROKER_URL may be set for the worker tests)."""
    previous = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True
    yield
    celery_app.conf.task_always_eager = previous


MASTER_SIZE = 300_017


@pytest.fixture
def master_bytes() -> bytes:
    return random.Random(11).randbytes(MASTER_SIZE)  # noqa: S311 (test data)


@pytest.fixture
def public_video(site_tree, master_bytes):
    """A public 1080i25 MXF master, shown by a live release of 19 November 2025."""
    video = VideoFactory(
        title="Secretary General meets heads of allied intelligence services",
        width=1920,
        height=1080,
        scan_type="interlaced_tff",
        video_codec="mpeg2video",
        container="mxf",
        file_size=len(master_bytes),
        checksum=hashlib.sha256(master_bytes).hexdigest(),
        credit="© Newsroom / Alex Doe",
    )
    video.file.save("master.mxf", ContentFile(master_bytes))
    video.preview.save("preview.mp4", ContentFile(b"preview"))
    for number in range(3):
        ShotFactory(
            video=video,
            start=Decimal(4 * number),
            end=Decimal(4 * number + 4),
            description="Shot %d" % number,
        )
    release = release_showing(
        site_tree.news,
        video,
        title="Allies meet",
        slug="allies-meet",
        release_date=datetime.date(2025, 11, 19),
    )
    video.refresh_from_db()
    video.release = release
    return video


@pytest.fixture
def terms(site_tree):
    return UsageTerms.objects.create(
        version=3,
        title="usage terms",
        text="Editorial use only. Credit the organisation.",
        locale=site_tree.locales["en"],
    )
