"""Writes on videos: ingest a master (metadata, poster, preview)."""

from __future__ import annotations

import tempfile
from pathlib import Path

from django.core.files import File
from django.db import transaction

from wagtail.images.models import Image

from media_assets import ffmpeg
from media_assets.models import Video


POSTER_AT = 0.2  # a fifth into the video: past the slate, inside the action


def ingest_master(*, video: Video) -> Video:
    """Probe the master, store its technical metadata, make its poster and its preview."""
    master = Path(video.file.path)
    info = ffmpeg.probe(master)
    with tempfile.TemporaryDirectory() as workdir:
        poster_path = Path(workdir) / ("poster-%d.jpg" % video.pk)
        preview_path = Path(workdir) / ("preview-%d.mp4" % video.pk)
        ffmpeg.extract_frame(master, poster_path, info.duration * POSTER_AT)
        ffmpeg.make_preview(master, preview_path)
        with transaction.atomic():
            video.duration = info.duration
            video.width, video.height = info.width, info.height
            if info.frame_rate:
                video.frame_rate_numerator = info.frame_rate.numerator
                video.frame_rate_denominator = info.frame_rate.denominator
            video.video_codec, video.audio_codec = info.video_codec, info.audio_codec
            with poster_path.open("rb") as handle:
                poster = Image(title=video.title, collection_id=video.collection_id)
                poster.file.save(poster_path.name, File(handle), save=False)
                poster.save()
            with preview_path.open("rb") as handle:
                video.preview.save(preview_path.name, File(handle), save=False)
            video.poster = poster
            video.save()
    return video
