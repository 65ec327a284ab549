from __future__ import annotations

from fractions import Fraction

from django.db import models
from django.utils.translation import gettext_lazy as _

from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel
from wagtail.models import Orderable, TranslatableMixin
from wagtail.search import index
from wagtail_localize.fields import SynchronizedField
from wagtailmedia.models import AbstractMedia, MediaType

from media_assets.storage import get_private_storage
from media_assets.timecode import seconds_to_timecode


TECHNICAL_FIELDS = [
    "file",
    "type",
    "duration",
    "width",
    "height",
    "frame_rate_numerator",
    "frame_rate_denominator",
    "video_codec",
    "audio_codec",
    "poster",
    "preview",
]


class VideoQuerySet(models.QuerySet):
    def for_listing(self):
        return self.select_related("poster", "locale")


class Video(TranslatableMixin, ClusterableModel, AbstractMedia):
    """A broadcast video: wagtailmedia's media model with a private master, poster, preview and shots.

    Translatable (title, description and shot descriptions) with wagtail-localize; the files and the
    technical metadata are shared by every translation.
    """

    # The master lives in private storage: no URL, served only by the download view.
    file = models.FileField(
        upload_to="masters/%Y/%m",
        storage=get_private_storage,
        verbose_name=_("broadcast master"),
    )
    description = models.TextField(_("description"), blank=True)
    credit = models.CharField(
        _("credit line"),
        max_length=255,
        blank=True,
        help_text=_("Shown beside every download."),
    )
    frame_rate_numerator = models.PositiveIntegerField(
        _("frame rate numerator"), null=True, blank=True
    )
    frame_rate_denominator = models.PositiveIntegerField(
        _("frame rate denominator"), null=True, blank=True
    )
    video_codec = models.CharField(_("video codec"), max_length=64, blank=True)
    audio_codec = models.CharField(_("audio codec"), max_length=64, blank=True)
    poster = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("poster"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    preview = models.FileField(_("preview"), upload_to="previews/%Y/%m", blank=True)

    objects = VideoQuerySet.as_manager()

    override_translatable_fields = [
        SynchronizedField(name) for name in TECHNICAL_FIELDS
    ] + [
        SynchronizedField("credit", overridable=True),
    ]

    search_fields = [
        *AbstractMedia.search_fields,
        index.SearchField("description"),
        index.FilterField("locale_id"),
    ]

    panels = [
        FieldPanel("title"),
        FieldPanel("description"),
        FieldPanel("credit"),
        FieldPanel("file"),
        FieldPanel("collection"),
        MultiFieldPanel(
            [
                FieldRowPanel(
                    [
                        FieldPanel("duration", read_only=True),
                        FieldPanel("width", read_only=True),
                        FieldPanel("height", read_only=True),
                    ]
                ),
                FieldRowPanel(
                    [
                        FieldPanel("video_codec", read_only=True),
                        FieldPanel("audio_codec", read_only=True),
                    ]
                ),
            ],
            heading=_("Technical metadata"),
        ),
        FieldPanel("poster"),
        InlinePanel("shots", heading=_("Shot list"), label=_("shot")),
    ]

    class Meta(TranslatableMixin.Meta):
        verbose_name = _("video")
        verbose_name_plural = _("videos")
        ordering = ["-created_at"]

    def save(self, *args, **kwargs):
        self.type = MediaType.VIDEO
        super().save(*args, **kwargs)

    @property
    def frame_rate(self) -> Fraction | None:
        if self.frame_rate_numerator and self.frame_rate_denominator:
            return Fraction(self.frame_rate_numerator, self.frame_rate_denominator)
        return None

    @property
    def fps(self) -> Fraction:
        """The frame rate used for timecodes; 25 fps (PAL) until the master is probed."""
        return self.frame_rate or Fraction(25)

    @property
    def url(self):
        # wagtailmedia links to the file's URL; a master has none. The public player uses the preview.
        return self.preview.url if self.preview else ""

    @property
    def sources(self):
        if not self.preview:
            return []
        return [{"src": self.preview.url, "type": "video/mp4"}]


class Shot(TranslatableMixin, Orderable):
    """One line of a video's timecoded shot list."""

    video = ParentalKey(Video, related_name="shots", on_delete=models.CASCADE)
    start = models.DecimalField(_("in (seconds)"), max_digits=9, decimal_places=3)
    end = models.DecimalField(_("out (seconds)"), max_digits=9, decimal_places=3)
    description = models.TextField(_("description"))

    override_translatable_fields = [
        SynchronizedField("start"),
        SynchronizedField("end"),
    ]

    panels = [
        FieldRowPanel([FieldPanel("start"), FieldPanel("end")]),
        FieldPanel("description"),
    ]

    class Meta(TranslatableMixin.Meta, Orderable.Meta):
        verbose_name = _("shot")
        verbose_name_plural = _("shots")

    def __str__(self):
        return "%s–%s %s" % (
            self.start_timecode,
            self.end_timecode,
            self.description[:40],
        )

    @property
    def start_timecode(self) -> str:
        return seconds_to_timecode(self.start, self.video.fps)

    @property
    def end_timecode(self) -> str:
        return seconds_to_timecode(self.end, self.video.fps)
