"""Video rows whose master is a real small file (for the partial-download tests)."""

from __future__ import annotations

import shutil
from pathlib import Path

from django.conf import settings

from media_assets.factories import VideoFactory
from media_assets.ffmpeg import probe, sha256
from tests.media_assets.clip_masters import make_master


def video_with_master(kind: str = "h264_25", **fields):
    source = make_master(kind)
    name = "masters/test/%s" % source.name
    target = Path(settings.PRIVATE_MEDIA_ROOT) / name
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(source, target)
    info = probe(target)
    return VideoFactory(
        file=name,
        duration=round(info.duration, 3),
        width=info.width,
        height=info.height,
        frame_rate_numerator=info.frame_rate.numerator,
        frame_rate_denominator=info.frame_rate.denominator,
        container=info.container,
        checksum=sha256(target),
        **fields,
    )
