"""The archive index: one row per live, public item and language (NOTES-search.md)."""

from __future__ import annotations

from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.utils.translation import gettext_lazy as _


class DocumentKind(models.TextChoices):
    RELEASE = "release", _("release")
    VIDEO = "video", _("video")
    SHOT = "shot", _("shot")


class ArchiveDocument(models.Model):
    """A release, a video or a shot as the archive search sees it, in one language.

    Written only by `search.documents` (the one document builder); never edited by hand. The
    text columns feed the highlights, `search_vector` the PostgreSQL matching (SQLite keeps an
    FTS5 table over the same columns, Elasticsearch an index per language).
    """

    kind = models.CharField(_("kind"), max_length=8, choices=DocumentKind.choices)
    # The release page, video or shot this row stands for (its own row id, in this language).
    object_id = models.BigIntegerField(_("object id"))
    # The item across its translations: a release page's, a video's or a shot's translation_key.
    translation_key = models.UUIDField(_("translation key"))
    language = models.CharField(_("language"), max_length=10)
    published = models.DateField(_("date"))
    year = models.PositiveSmallIntegerField(_("year"))
    has_video = models.BooleanField(_("has video"), default=False)

    title = models.TextField(_("title"))
    lead = models.TextField(_("lead"), blank=True)
    body_text = models.TextField(_("body"), blank=True)
    # One quote a line: "speaker name<TAB>quote".
    quotes_text = models.TextField(_("quotes"), blank=True)
    # Place, topics, speakers' names and titles.
    tags_text = models.TextField(_("place, topics and speakers"), blank=True)
    # Linked videos' titles and descriptions and their shots.
    extra_text = models.TextField(_("other words"), blank=True)
    place = models.CharField(_("place"), max_length=120, blank=True)

    # Where a hit leads (a release page in this language; for videos and shots, the page that
    # shows the video until the public video page exists) and what it shows.
    url = models.CharField(_("URL"), max_length=500)
    video_id = models.BigIntegerField(_("video id"), null=True, blank=True)
    timecode = models.DecimalField(
        _("timecode (seconds)"), max_digits=9, decimal_places=3, null=True, blank=True
    )
    poster_url = models.CharField(_("poster URL"), max_length=500, blank=True)

    # PostgreSQL only (a GIN index made by migration 0002); empty elsewhere.
    search_vector = SearchVectorField(null=True)
    indexed_at = models.DateTimeField(_("indexed at"), auto_now=True)

    class Meta:
        verbose_name = _("archive document")
        verbose_name_plural = _("archive documents")
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "object_id"], name="archive_document_object"
            )
        ]
        indexes = [
            models.Index(fields=["language", "published"], name="archive_lang_date"),
            models.Index(fields=["published"], name="archive_date"),
            models.Index(fields=["kind", "video_id"], name="archive_kind_video"),
        ]

    def __str__(self):
        return "%s %s (%s)" % (self.kind, self.title, self.language)


class ArchiveTag(models.Model):
    """A topic or speaker of a document, by translation key: one filter value in every language."""

    document = models.ForeignKey(
        ArchiveDocument, on_delete=models.CASCADE, related_name="tags"
    )
    facet = models.CharField(_("facet"), max_length=8)
    key = models.UUIDField(_("translation key"))

    class Meta:
        verbose_name = _("archive tag")
        verbose_name_plural = _("archive tags")
        constraints = [
            models.UniqueConstraint(
                fields=["document", "facet", "key"], name="archive_tag_unique"
            )
        ]
        indexes = [
            models.Index(fields=["facet", "key", "document"], name="archive_tag_key"),
        ]

    def __str__(self):
        return "%s %s" % (self.facet, self.key)
