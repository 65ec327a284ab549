from decimal import Decimal

from django.utils import timezone

import factory
import wagtail_factories

from media_assets.models import Download, DownloadKind, Shot, Video


class VideoFactory(factory.django.DjangoModelFactory):
    title = factory.Sequence(lambda n: "Video %d" % n)
    description = "Arrivals and the opening of the meeting at headquarters."
    credit = "© Newsroom"
    file = factory.django.FileField(filename="master.mp4", data=b"\x00" * 64)
    duration = 12.0
    width = 1280
    height = 720
    frame_rate_numerator = 25
    frame_rate_denominator = 1
    video_codec = "h264"
    audio_codec = "aac"
    # Posters sit in their own collection, as processing puts them.
    poster = factory.SubFactory(
        wagtail_factories.ImageFactory,
        collection=factory.LazyFunction(
            lambda: __import__(
                "media_assets.services", fromlist=["_poster_collection"]
            )._poster_collection()
        ),
    )
    processing_state = "ready"

    class Meta:
        model = Video


class ShotFactory(factory.django.DjangoModelFactory):
    video = factory.SubFactory(VideoFactory)
    start = Decimal("0")
    end = Decimal("4")
    description = factory.Sequence(lambda n: "Wide shot %d of the meeting room" % n)
    sort_order = factory.Sequence(int)

    class Meta:
        model = Shot


class DownloadFactory(factory.django.DjangoModelFactory):
    """One row of the download log, as the download view writes it (one per signed link)."""

    user = None
    email = factory.Sequence(lambda n: "journalist%d@example.org" % n)
    organisation = "Agence de presse"
    video = factory.SubFactory(VideoFactory)
    video_key = factory.LazyAttribute(lambda o: o.video.translation_key)
    video_title = factory.LazyAttribute(lambda o: o.video.title)
    language = "en"
    kind = DownloadKind.FULL
    token = factory.Sequence(lambda n: "token-%d" % n)
    size = 64
    requests = 1
    bytes_sent = factory.LazyAttribute(lambda o: o.size or 0)
    created_at = factory.LazyFunction(timezone.now)
    last_request_at = factory.LazyAttribute(lambda o: o.created_at)

    class Meta:
        model = Download
