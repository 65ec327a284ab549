from __future__ import annotations

from fractions import Fraction

from django.conf import settings
from django.db import models
from django.db.models.functions import Lower, NullIf, Trim
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from wagtail.admin.panels import FieldPanel, FieldRowPanel
from wagtail.models import Orderable, TranslatableMixin
from wagtail.search import index
from wagtail_localize.fields import SynchronizedField, TranslatableField
from wagtailmedia.models import AbstractMedia, MediaType

from media_assets.choices import (
    ClipCut,
    ClipError,
    ClipState,
    ProcessingError,
    ProcessingState,
    ScanType,
)
from media_assets.forms import MasterFileInput, VideoForm
from media_assets.panels import ProcessingPanel, ShotListPanel
from media_assets.reports.panels import DownloadsPanel
from media_assets.storage import get_private_storage
from media_assets.timecode import seconds_to_timecode


# Shared by every translation of a video and kept in sync by the processing service; never
# translated (wagtail-localize copies them from the source, see override_translatable_fields).
TECHNICAL_FIELDS = [
    "file",
    "replacement",
    "type",
    "duration",
    "width",
    "height",
    "frame_rate_numerator",
    "frame_rate_denominator",
    "scan_type",
    "video_codec",
    "audio_codec",
    "audio_channels",
    "bit_rate",
    "file_size",
    "checksum",
    "container",
    "poster",
    "preview",
    "processing_state",
    "processing_error",
    "processing_error_detail",
    "processed_at",
    "processing_deadline",
    "public_since",
]


class VideoQuerySet(models.QuerySet):
    def for_listing(self):
        return self.select_related("poster", "locale")

    def public(self):
        """Videos that a live, public release (in any language) shows: ``public_since`` is set."""
        return self.filter(public_since__isnull=False)


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

    # A new master waits here, in private storage, until it has been processed: the current
    # master and its poster and preview stay in place if the replacement turns out to be bad.
    replacement = models.FileField(
        _("replacement master"),
        upload_to="masters/%Y/%m",
        storage=get_private_storage,
        blank=True,
    )
    scan_type = models.CharField(
        _("scan type"), max_length=20, choices=ScanType.choices, blank=True
    )
    audio_channels = models.PositiveSmallIntegerField(
        _("audio channels"), null=True, blank=True
    )
    bit_rate = models.PositiveBigIntegerField(
        _("bit rate (bits per second)"), null=True, blank=True
    )
    file_size = models.PositiveBigIntegerField(
        _("file size (bytes)"), null=True, blank=True
    )
    checksum = models.CharField(
        _("SHA-256 checksum"), max_length=64, blank=True, db_index=True
    )
    container = models.CharField(_("container"), max_length=16, blank=True)
    processing_state = models.CharField(
        _("processing state"),
        max_length=16,
        choices=ProcessingState.choices,
        default=ProcessingState.QUEUED,
        db_index=True,
    )
    processing_error = models.CharField(
        _("processing error"),
        max_length=16,
        choices=ProcessingError.choices,
        blank=True,
    )
    processing_error_detail = models.TextField(
        _("technical detail of the error"), blank=True
    )
    processed_at = models.DateTimeField(_("processed at"), null=True, blank=True)
    # When a queued or running job counts as lost and the sweep queues it again (see
    # services.requeue_stuck_videos); null while it could not be handed to the job service.
    processing_deadline = models.DateTimeField(
        _("processing deadline"), null=True, blank=True, db_index=True
    )
    # "Is this video public?" as one stored fact, shared by every translation: since when a
    # live, public release (in any language) shows it; null while none does. Maintained by
    # `news` on publish, unpublish, delete, move and privacy changes; read by the poster and
    # preview gate, the landing, the downloads and the archive search.
    public_since = models.DateTimeField(
        _("public since"), null=True, blank=True, db_index=True
    )

    objects = VideoQuerySet.as_manager()

    override_translatable_fields = [
        SynchronizedField(name) for name in TECHNICAL_FIELDS
    ] + [
        # Translated like the title: "© The Organisation" is "© L’Organisation" in French.
        TranslatableField("credit"),
    ]

    search_fields = [
        *AbstractMedia.search_fields,
        index.SearchField("description"),
        index.FilterField("locale_id"),
    ]

    base_form_class = VideoForm

    panels = [
        FieldPanel("title"),
        FieldPanel("description"),
        FieldPanel("credit"),
        FieldPanel("file", widget=MasterFileInput),
        FieldPanel("collection"),
        ProcessingPanel(heading=_("Processing and technical metadata")),
        DownloadsPanel(heading=_("Downloads")),
        FieldPanel("poster"),
        ShotListPanel("shots", heading=_("Shot list"), label=_("shot")),
    ]

    class Meta(TranslatableMixin.Meta):
        verbose_name = _("video")
        verbose_name_plural = _("videos")
        ordering = ["-created_at"]

    def save(self, *args, **kwargs):
        self.type = MediaType.VIDEO
        super().save(*args, **kwargs)

    @property
    def is_public(self) -> bool:
        return self.public_since is not None

    def get_public_url(self, language: str | None = None) -> str:
        """The public video page in `language` (the active one by default)."""
        return video_page_url(self.pk, self.title, language)

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
    def is_ready(self) -> bool:
        return self.processing_state == ProcessingState.READY

    @property
    def is_interlaced(self) -> bool:
        return self.scan_type in (ScanType.INTERLACED_TFF, ScanType.INTERLACED_BFF)

    @property
    def frame_rate_label(self) -> str:
        """25, 29.97, 50, 59.94: the rate as broadcasters say it."""
        rate = self.frame_rate
        if rate is None:
            return ""
        return ("%.3f" % float(rate)).rstrip("0").rstrip(".")

    @property
    def running_time(self) -> str:
        """The duration as a timecode at the video's rate (00:02:31:12), for listings."""
        return seconds_to_timecode(self.duration, self.fps) if self.duration else ""

    @property
    def processing_error_message(self) -> str:
        if not self.processing_error:
            return ""
        return ProcessingError(self.processing_error).label

    @property
    def warnings(self) -> list[str]:
        """Things an editor should know about a master that was processed anyway."""
        if self.processing_state != ProcessingState.READY:
            return []
        found = []
        if not self.audio_codec:
            found.append(_("This master has no audio track: the preview is silent."))
        return found

    @property
    def url(self):
        # wagtailmedia links to the file's URL; a master has none. The public player uses the preview.
        return self.preview.url if self.preview else ""

    @property
    def sources(self):
        if not self.preview:
            return []
        return [{"src": self.preview.url, "type": "video/mp4"}]


def video_page_url(pk: int, title: str, language: str | None = None) -> str:
    """The public video page of video `pk` (its title gives the slug), for callers holding no row."""
    from django.urls import reverse
    from django.utils import translation
    from django.utils.text import slugify

    kwargs = {"pk": pk, "slug": slugify(title) or "video"}
    with translation.override(language or translation.get_language()):
        return reverse("media_assets:video-detail", kwargs=kwargs)


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


class DownloadKind(models.TextChoices):
    FULL = "full", _("broadcast master")
    PART = "part", _("part")


class Download(models.Model):
    """One download: one row per signed link and person, however many Range requests it takes.

    The person's e-mail and organisation are copied as they were at that moment (reports group
    by what was typed then); the account link is cleared, and the copies anonymised, when the
    account is deleted. One video across its translations is one `video_key`.
    """

    # a log or a job, not content: no entries in Wagtail's reference index ("usage"),
    # which would cost each row a few more queries
    wagtail_reference_index_ignore = True

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("account"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="downloads",
    )
    email = models.CharField(_("e-mail address"), max_length=254, blank=True)
    organisation = models.CharField(_("organisation"), max_length=255, blank=True)
    video = models.ForeignKey(
        Video,
        verbose_name=_("video"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="downloads",
    )
    # The video's translation_key: the same video in every language counts as one.
    video_key = models.UUIDField(_("video key"), db_index=True)
    video_title = models.CharField(_("video title"), max_length=255, blank=True)
    # The language of the page the download started from.
    language = models.CharField(_("language"), max_length=10, blank=True)
    release = models.ForeignKey(
        "wagtailcore.Page",
        verbose_name=_("release"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # The release's translation_key: the same release in every language counts as one.
    release_key = models.UUIDField(_("release key"), null=True, blank=True)
    kind = models.CharField(
        _("kind"), max_length=8, choices=DownloadKind.choices, default=DownloadKind.FULL
    )
    # A part (the partial-downloads issue): in/out as frame numbers, the shots, the cut.
    in_frame = models.PositiveIntegerField(_("in (frame)"), null=True, blank=True)
    out_frame = models.PositiveIntegerField(_("out (frame)"), null=True, blank=True)
    shots = models.JSONField(_("shots"), default=list, blank=True)
    cut = models.CharField(_("cut"), max_length=16, blank=True)
    # The signed link's identifier: requests with the same token add to the same row.
    token = models.CharField(_("link"), max_length=64, unique=True)
    size = models.PositiveBigIntegerField(_("file size (bytes)"), null=True, blank=True)
    requests = models.PositiveIntegerField(_("requests"), default=0)
    bytes_sent = models.PositiveBigIntegerField(_("bytes sent"), default=0)
    created_at = models.DateTimeField(_("downloaded at"), default=timezone.now)
    last_request_at = models.DateTimeField(_("last request"), null=True, blank=True)

    class Meta:
        verbose_name = _("download")
        verbose_name_plural = _("downloads")
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["created_at"], name="download_created_idx"),
            models.Index(fields=["video_key", "created_at"], name="download_video_idx"),
            models.Index(
                fields=["release_key", "created_at"], name="download_release_idx"
            ),
            models.Index(fields=["user", "created_at"], name="download_user_idx"),
            # Reports group and filter by the organisation as typed, trimmed, any case
            # (media_assets.reports.selectors.organisation_key): one organisation's history
            # in 0.4 ms instead of 290 ms on a log of 1,000,000 rows (bench/reports.py).
            models.Index(
                NullIf(Lower(Trim("organisation")), models.Value("")),
                models.F("created_at"),
                name="download_organisation_idx",
            ),
        ]

    def __str__(self):
        return "%s, %s" % (self.video_title, self.created_at)


class DownloadDay(models.Model):
    """The download log rolled up by day, for the reports (media_assets.reports.rollup).

    One row per day (in settings.TIME_ZONE) and per everything a report groups, filters or
    counts distinctly by: video, release, language, kind, organisation as typed (trimmed) and
    account. Keeping the account in the grain is what keeps distinct counts exact: "distinct
    accounts of a video over a period" is the number of distinct `account_key`s among that
    video's rows of the period, as on the log itself. Downloads of one person, one video, one
    day add up in one row: on the benchmark's log, 285,000 rows for 1,000,000 downloads.

    Rebuilt, never edited: a Celery beat task recomputes the last days every few minutes and
    `manage.py rollup_downloads` any range, deleting a day's rows and inserting them anew.
    """

    day = models.DateField(_("day"))
    video_key = models.UUIDField(_("video key"))
    video_title = models.CharField(_("video title"), max_length=255, blank=True)
    release_key = models.UUIDField(_("release key"), null=True, blank=True)
    language = models.CharField(_("language"), max_length=10, blank=True)
    kind = models.CharField(_("kind"), max_length=8, choices=DownloadKind.choices)
    # As typed (trimmed), and the key reports group by: lower case, null when none was typed.
    organisation = models.CharField(_("organisation"), max_length=255, blank=True)
    organisation_key = models.CharField(max_length=255, null=True, blank=True)
    # The account's id, or the (anonymised) e-mail snapshot of a deleted account's rows.
    account_key = models.CharField(max_length=254, null=True, blank=True)
    download_count = models.PositiveIntegerField(_("downloads"))
    last_download = models.DateTimeField(_("last download"))

    class Meta:
        verbose_name = _("downloads of a day")
        verbose_name_plural = _("downloads per day")
        indexes = [
            # Over time without a subject reads only this index (PostgreSQL's index-only
            # scan): a year per week in 29 ms instead of 53 ms on the benchmark's roll-up.
            models.Index(
                fields=["day", "kind", "language", "download_count"],
                name="download_day_idx",
            ),
            models.Index(fields=["video_key", "day"], name="download_day_video_idx"),
            models.Index(
                fields=["release_key", "day"], name="download_day_release_idx"
            ),
            models.Index(
                fields=["organisation_key", "day"], name="download_day_org_idx"
            ),
        ]

    def __str__(self):
        return "%s, %s: %s" % (self.day, self.video_title, self.download_count)


class Clip(models.Model):
    """A part of a master: its frames [in, out) (or several shots), cut fast or frame-accurate.

    Identified by what it is made of, not by who asked: the master's checksum, the frame spans
    and the cut. Identical requests are one row (the unique constraint), hence one ffmpeg job,
    and the file serves everyone until the cache budget evicts it or a new master replaces the
    one it came from.
    """

    # a log or a job, not content: no entries in Wagtail's reference index ("usage"),
    # which would cost each row a few more queries
    wagtail_reference_index_ignore = True

    video = models.ForeignKey(
        Video,
        verbose_name=_("video"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="clips",
    )
    checksum = models.CharField(_("master checksum"), max_length=64)
    # [[in, out], ...] in frames of the master, half-open, in the order they are joined
    spans = models.JSONField(_("frames"))
    spans_key = models.CharField(max_length=2000, editable=False)
    in_frame = models.PositiveIntegerField(_("in (frame)"))
    out_frame = models.PositiveIntegerField(_("out (frame)"))
    shots = models.JSONField(_("shots"), default=list, blank=True)
    cut = models.CharField(_("cut"), max_length=8, choices=ClipCut.choices)
    per_shot = models.BooleanField(_("one file per shot"), default=False)

    state = models.CharField(
        _("state"), max_length=8, choices=ClipState.choices, default=ClipState.QUEUED
    )
    progress = models.FloatField(_("progress"), default=0)
    error = models.CharField(
        _("error"), max_length=8, choices=ClipError.choices, blank=True
    )
    error_detail = models.TextField(_("technical detail of the error"), blank=True)
    # what the job did: how, the frames really in the file (fast cuts start on a keyframe),
    # why it fell back to a re-encode, and the quality gate's measurements
    method = models.CharField(_("method"), max_length=16, blank=True)
    real_spans = models.JSONField(_("frames in the file"), default=list, blank=True)
    fallback_reason = models.TextField(_("reason for re-encoding"), blank=True)
    gate = models.JSONField(_("quality gate"), default=dict, blank=True)

    file = models.FileField(
        _("file"), upload_to="parts/", storage=get_private_storage, blank=True
    )
    size = models.PositiveBigIntegerField(_("file size (bytes)"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    created_at = models.DateTimeField(_("requested at"), default=timezone.now)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    heartbeat_at = models.DateTimeField(_("last sign of life"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    last_downloaded_at = models.DateTimeField(
        _("last downloaded"), null=True, blank=True
    )

    class Meta:
        verbose_name = _("part")
        verbose_name_plural = _("parts")
        constraints = [
            models.UniqueConstraint(
                fields=["checksum", "spans_key", "cut", "per_shot"],
                name="clip_one_per_part",
            )
        ]
        indexes = [
            models.Index(fields=["state", "heartbeat_at"], name="clip_state_idx"),
        ]

    def __str__(self):
        return "%s %s %s" % (self.video_id, self.spans_key, self.cut)

    @staticmethod
    def key_for(spans) -> str:
        return ",".join("%d-%d" % (start, end) for start, end in spans)

    @property
    def error_message(self) -> str:
        return ClipError(self.error).label if self.error else ""

    @property
    def percent(self) -> int:
        return int(self.progress * 100)

    @property
    def frames(self) -> int:
        return sum(end - start for start, end in self.spans)


class ClipRequest(models.Model):
    """Who asked for a part, when, from which page: the account's list and the per-account limit."""

    # a log or a job, not content: no entries in Wagtail's reference index ("usage"),
    # which would cost each row a few more queries
    wagtail_reference_index_ignore = True

    clip = models.ForeignKey(Clip, on_delete=models.CASCADE, related_name="requests")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="clip_requests",
    )
    language = models.CharField(_("language"), max_length=10, blank=True)
    created_at = models.DateTimeField(_("requested at"), default=timezone.now)

    class Meta:
        verbose_name = _("part request")
        verbose_name_plural = _("part requests")
        ordering = ["-created_at"]

    def __str__(self):
        return "%s, %s" % (self.clip_id, self.created_at)


class UsageTerms(TranslatableMixin, models.Model):
    """The usage terms a journalist accepts once per version before the first download.

    Edited and translated by the press office in the admin (a translatable snippet). A new
    `version` asks everybody to accept again; the highest version is the current one.
    """

    version = models.PositiveIntegerField(
        _("version"),
        help_text=_(
            "Raise it when the terms change: everyone accepts the new version."
        ),
    )
    title = models.CharField(_("title"), max_length=255)
    text = models.TextField(_("terms"))
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    panels = [FieldPanel("version"), FieldPanel("title"), FieldPanel("text")]
    override_translatable_fields = [SynchronizedField("version")]

    class Meta(TranslatableMixin.Meta):
        verbose_name = _("usage terms")
        verbose_name_plural = _("usage terms")
        ordering = ["-version"]

    def __str__(self):
        return "%s (%s)" % (self.title, self.version)


class TermsAcceptance(models.Model):
    """A person accepted a version of the usage terms: when, which version, in which language."""

    # a log or a job, not content: no entries in Wagtail's reference index ("usage"),
    # which would cost each row a few more queries
    wagtail_reference_index_ignore = True

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("account"),
        on_delete=models.CASCADE,
        related_name="terms_acceptances",
    )
    version = models.PositiveIntegerField(_("version"))
    language = models.CharField(_("language"), max_length=10)
    accepted_at = models.DateTimeField(_("accepted at"), default=timezone.now)

    class Meta:
        verbose_name = _("acceptance of the usage terms")
        verbose_name_plural = _("acceptances of the usage terms")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "version"], name="terms_accepted_once_per_version"
            )
        ]

    def __str__(self):
        return "%s, %s" % (self.version, self.accepted_at)
