"""The one document builder: releases, videos and shots as `ArchiveDocument` rows.

Every engine is fed from here (PostgreSQL reads the rows, SQLite's FTS5 table follows them by
trigger, Elasticsearch gets them as JSON). `sync_release` and `sync_video` are idempotent: they
replace whatever the index holds for the object with what is live and public now, or nothing.
"""

from __future__ import annotations

import html
import logging
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db import connection, transaction
from django.db.models import Prefetch
from django.utils.html import strip_tags
from django.utils.translation import override

from media_assets.models import Shot, Video
from news.models import NewsReleasePage, ReleaseQuote, ReleaseVideo
from search.models import ArchiveDocument, ArchiveTag, DocumentKind


logger = logging.getLogger(__name__)

POSTER_FILTER = "fill-480x270"
# PostgreSQL text search configuration of each language (migration 0002); English otherwise.
CONFIGS = {"en": "newsroom_en", "fr": "newsroom_fr"}


def config_for(language: str) -> str:
    return CONFIGS.get(language, CONFIGS["en"])


# Eligibility: the index holds only live, public content.


def eligible_releases():
    """Live releases that anyone may see (no view restriction on them or above them)."""
    return NewsReleasePage.objects.live().public()


def eligible_videos(videos=None):
    """Videos that a live, public release (in any language) shows: the poster/preview rule.

    The one place that says which videos the archive holds: `Video.public_since`, which
    `news.publicity` keeps (the indexing tasks refresh it first, see `refresh_videos`).
    """
    videos = Video.objects.all() if videos is None else videos
    return videos.public()


def refresh_videos(video_ids: list[int]) -> None:
    """Bring `public_since` of these videos up to date before indexing them.

    `news` recomputes it in a task of its own that may run after ours; recomputing here too
    (idempotent) keeps the index from reading a stale answer.
    """
    from news.publicity import refresh_public_videos

    if not video_ids:
        # Nothing to index after it; the recompute reads every video (0.4 s at 20,000).
        return
    keys = Video.objects.filter(pk__in=video_ids).values_list(
        "translation_key", flat=True
    )
    refresh_public_videos([str(key) for key in keys])


@dataclass
class Document:
    row: ArchiveDocument
    tags: list[tuple[str, str]] = field(default_factory=list)


def _body_text(page: NewsReleasePage) -> str:
    parts = []
    for block in page.body:
        if block.block_type == "paragraph":
            parts.append(html.unescape(strip_tags(block.value.source)))
        elif block.block_type == "heading":
            parts.append(str(block.value))
    return "\n".join(part.strip() for part in parts if part.strip())


def _language(locale) -> str:
    return locale.language_code.split("-")[0]


def _poster_url(video: Video) -> str:
    if not video.poster_id:
        return ""
    try:
        return video.poster.get_rendition(POSTER_FILTER).url
    except Exception:  # a missing or broken poster file must not stop the indexing
        logger.warning("No poster rendition for video %s", video.pk, exc_info=True)
        return ""


def release_queryset():
    return (
        eligible_releases()
        .select_related("locale")
        .prefetch_related(
            Prefetch(
                "quotes",
                queryset=ReleaseQuote.objects.select_related("speaker").order_by(
                    "sort_order"
                ),
            ),
            "topics__topic",
            Prefetch(
                "videos",
                queryset=ReleaseVideo.objects.select_related("video").prefetch_related(
                    Prefetch(
                        "video__shots", queryset=Shot.objects.order_by("sort_order")
                    )
                ),
            ),
        )
    )


def build_release(page: NewsReleasePage) -> Document:
    language = _language(page.locale)
    quotes = list(page.quotes.all())
    topics = [link.topic for link in page.topics.all()]
    speakers = []
    for quote in quotes:
        if quote.speaker not in speakers:
            speakers.append(quote.speaker)
    videos = [link.video for link in page.videos.all()]
    tags_text = [page.place, *(topic.name for topic in topics)]
    for speaker in speakers:
        tags_text += [speaker.name, speaker.title, speaker.organisation]
    extra = []
    for video in videos:
        extra += [video.title, video.description]
        extra += [shot.description for shot in video.shots.all()]
    with override(language):
        url = page.get_url() or page.url_path
    row = ArchiveDocument(
        kind=DocumentKind.RELEASE,
        object_id=page.pk,
        translation_key=page.translation_key,
        language=language,
        published=page.release_date,
        year=page.release_date.year,
        has_video=bool(videos),
        title=page.title,
        lead=page.lead,
        body_text=_body_text(page),
        quotes_text="\n".join(
            "%s\t%s" % (quote.speaker.name, " ".join(quote.text.split()))
            for quote in quotes
        ),
        tags_text="\n".join(text for text in tags_text if text),
        extra_text="\n".join(text for text in extra if text),
        place=page.place,
        url=url,
    )
    tags = [("topic", str(topic.translation_key)) for topic in topics]
    tags += [("speaker", str(speaker.translation_key)) for speaker in speakers]
    return Document(row, sorted(set(tags)))


def build_video(video: Video) -> list[Document]:
    """The video's row and one row per shot, in the video's language."""
    language = _language(video.locale)
    translations = Video.objects.filter(translation_key=video.translation_key)
    releases = list(
        eligible_releases()
        .filter(videos__video__in=translations)
        .select_related("locale")
        .prefetch_related("quotes__speaker", "topics__topic")
        .order_by("release_date", "pk")
        .distinct()
    )
    if not releases:
        return []
    first_date = min(page.release_date for page in releases)
    same_language = [
        page for page in releases if _language(page.locale) == language
    ] or releases
    shown_on = same_language[0]
    with override(_language(shown_on.locale)):
        url = shown_on.get_url() or shown_on.url_path
    tags = set()
    for page in same_language:
        tags |= {
            ("topic", str(link.topic.translation_key)) for link in page.topics.all()
        }
        tags |= {
            ("speaker", str(quote.speaker.translation_key))
            for quote in page.quotes.all()
        }
    tags = sorted(tags)
    poster_url = _poster_url(video)
    shots = list(video.shots.order_by("sort_order"))
    common = {
        "translation_key": video.translation_key,
        "language": language,
        "published": first_date,
        "year": first_date.year,
        "has_video": True,
        "url": url,
        "video_id": video.pk,
        "poster_url": poster_url,
    }
    documents = [
        Document(
            ArchiveDocument(
                kind=DocumentKind.VIDEO,
                object_id=video.pk,
                title=video.title,
                lead=video.description,
                extra_text="\n".join(shot.description for shot in shots),
                **common,
            ),
            tags,
        )
    ]
    for shot in shots:
        documents.append(
            Document(
                ArchiveDocument(
                    kind=DocumentKind.SHOT,
                    object_id=shot.pk,
                    title=video.title,
                    lead=shot.description,
                    timecode=shot.start,
                    **{**common, "translation_key": shot.translation_key},
                ),
                tags,
            )
        )
    return documents


def store(documents: Iterable[Document]) -> list[int]:
    """Insert the rows and their tags, then build their vectors (PostgreSQL)."""
    documents = list(documents)
    rows = ArchiveDocument.objects.bulk_create([document.row for document in documents])
    ArchiveTag.objects.bulk_create(
        [
            ArchiveTag(document=row, facet=facet, key=key)
            for document, row in zip(documents, rows, strict=True)
            for facet, key in document.tags
        ]
    )
    ids = [row.pk for row in rows]
    update_vectors(ids)
    return ids


# The parser reads "<script>" as a tag and drops the words inside it; the angle brackets become
# control characters that it takes as spaces (the headlines do the same, search.engines.postgres).
VECTOR_SQL = """
UPDATE search_archivedocument SET search_vector =
    setweight(to_tsvector(cfg, translate(title, '<>', chr(4) || chr(5))), 'A')
    || setweight(to_tsvector(cfg, translate(lead || ' ' || tags_text, '<>', chr(4) || chr(5))), 'B')
    || setweight(to_tsvector(cfg, translate(body_text || ' ' || quotes_text, '<>', chr(4) || chr(5))), 'C')
    || setweight(to_tsvector(cfg, translate(extra_text, '<>', chr(4) || chr(5))), 'D'),
    topic_ids = ARRAY(SELECT k.id FROM search_archivetag t JOIN search_facetkey k
                      ON k.facet = t.facet AND k.key = t.key
                      WHERE t.document_id = doc_id AND t.facet = 'topic' ORDER BY k.id),
    speaker_ids = ARRAY(SELECT k.id FROM search_archivetag t JOIN search_facetkey k
                        ON k.facet = t.facet AND k.key = t.key
                        WHERE t.document_id = doc_id AND t.facet = 'speaker' ORDER BY k.id)
FROM (SELECT id AS doc_id,
             (CASE language WHEN 'fr' THEN 'newsroom_fr' ELSE 'newsroom_en' END)::regconfig AS cfg
      FROM search_archivedocument WHERE id = ANY(%s)) AS configs
WHERE id = configs.doc_id
"""

# A number for each topic and speaker key not numbered yet (migration 0005): the facet counts
# read the rows' numbers. Concurrent writers of the same key: one inserts, the other skips.
FACET_KEYS_SQL = """
INSERT INTO search_facetkey (facet, key)
SELECT DISTINCT facet, key FROM search_archivetag WHERE document_id = ANY(%s)
ORDER BY facet, key
ON CONFLICT DO NOTHING
"""


def update_vectors(ids: list[int]) -> None:
    """Weighted vectors, each with its row's own configuration, and the facet keys (PostgreSQL).

    Headline A; lead, place, topics and speakers B; body and quotes C; videos and shots D.
    `topic_ids` / `speaker_ids` number the row's `ArchiveTag`s (`search_facetkey`, migration
    0005), which must be written first.
    """
    if ids and connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(FACET_KEYS_SQL, [ids])
            cursor.execute(VECTOR_SQL, [ids])


def sync_release(page_id: int) -> tuple[list[int], list[int]]:
    """Make the index hold release `page_id` as it is live now (or not at all).

    Returns the ids of the rows removed and of the rows written.
    """
    with transaction.atomic():
        old = ArchiveDocument.objects.filter(
            kind=DocumentKind.RELEASE, object_id=page_id
        )
        removed = list(old.values_list("pk", flat=True))
        old.delete()
        page = release_queryset().filter(pk=page_id).first()
        if page is None:
            return removed, []
        return removed, store([build_release(page)])


def sync_video(video_id: int) -> tuple[list[int], list[int]]:
    """Make the index hold video `video_id` and its shots as they are now (or not at all)."""
    with transaction.atomic():
        old = ArchiveDocument.objects.filter(video_id=video_id).exclude(
            kind=DocumentKind.RELEASE
        )
        removed = list(old.values_list("pk", flat=True))
        old.delete()
        video = (
            eligible_videos(Video.objects.filter(pk=video_id))
            .select_related("locale", "poster")
            .first()
        )
        if video is None:
            return removed, []
        return removed, store(build_video(video))


def video_ids_of_release(page_id: int) -> list[int]:
    """Every translation of every video a release (in any language) shows."""
    page = NewsReleasePage.objects.filter(pk=page_id).first()
    keys = Video.objects.filter(releases__page_id=page_id).values("translation_key")
    if page is not None:
        keys = Video.objects.filter(
            releases__page__translation_key=page.translation_key
        ).values("translation_key")
    return list(
        Video.objects.filter(translation_key__in=keys).values_list("pk", flat=True)
    )


# Measured: about 2 ms a release with its prefetches, plus 1 ms for its vector (PostgreSQL).
REBUILD_BATCH = 500


def rebuild(*, progress=None) -> int:
    """Rebuild every document, batch by batch, each batch replaced in one transaction.

    Search stays up: a batch's old rows are visible until its new rows commit. Rows of items
    that are no longer live and public are removed at the end. Returns the rows written.
    """
    from news.publicity import refresh_public_videos

    refresh_public_videos()
    written = 0
    release_ids = list(eligible_releases().order_by("pk").values_list("pk", flat=True))
    video_ids = list(eligible_videos().order_by("pk").values_list("pk", flat=True))
    if progress:
        progress.start(len(release_ids) + len(video_ids))
    for start in range(0, len(release_ids), REBUILD_BATCH):
        batch = release_ids[start : start + REBUILD_BATCH]
        with transaction.atomic():
            ArchiveDocument.objects.filter(
                kind=DocumentKind.RELEASE, object_id__in=batch
            ).delete()
            pages = release_queryset().filter(pk__in=batch).order_by("pk")
            written += len(store(build_release(page) for page in pages))
        if progress:
            progress.advance(len(batch))
    for video_id in video_ids:
        written += len(sync_video(video_id)[1])
        if progress:
            progress.advance(1)
    ArchiveDocument.objects.filter(kind=DocumentKind.RELEASE).exclude(
        object_id__in=release_ids
    ).delete()
    ArchiveDocument.objects.exclude(kind=DocumentKind.RELEASE).exclude(
        video_id__in=video_ids
    ).delete()
    if progress:
        progress.finish()
    return written
