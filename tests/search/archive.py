"""An archive where each field of a release holds a word found nowhere else, in English and French."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

from wagtail.rich_text import RichText

from media_assets.factories import ShotFactory, VideoFactory
from news.factories import (
    NewsReleasePageFactory,
    ReleaseQuoteFactory,
    ReleaseTopicFactory,
    ReleaseVideoFactory,
    SpeakerFactory,
    TopicFactory,
)


# field -> (English word, French word): each appears in that field only.
FIELD_WORDS = {
    "title": ("quillwort", "quenouille"),
    "lead": ("marmalade", "renseignements"),
    "body": ("tangerine", "dirigeables"),
    "place": ("timbuktu", "Genève"),
    "speaker name": ("brackenbury", "brackenbury"),
    "speaker title": ("harbourmaster", "capitainerie"),
    "quote": ("gooseberry", "framboise"),
    "topic": ("aquaculture", "pisciculture"),
    "video title": ("vermilion", "écarlate"),
    "video description": ("saxophone", "accordéon"),
    "shot": ("lighthouse", "phare"),
}


@dataclass
class Archive:
    english: object
    french: object
    older: object
    topic: object
    speaker: object
    english_video: object
    french_video: object


def _release(
    parent, language: int, *, speaker, topic, video_title, shot_start, **fields
):
    words = {field: pair[language] for field, pair in FIELD_WORDS.items()}
    page = NewsReleasePageFactory(
        parent=parent,
        title=fields.pop(
            "title", "%s %s" % (("Harbour", "Port")[language], words["title"])
        ),
        lead=fields.pop(
            "lead",
            "%s %s."
            % (("Ministers held a", "Les ministres et les")[language], words["lead"]),
        ),
        place=words["place"],
        release_date=fields.pop("release_date", datetime.date(2025, 11, 19)),
        body=[
            (
                "paragraph",
                RichText(
                    "<p>%s %s &lt;script&gt;alert(1)&lt;/script&gt; %s</p>"
                    % (
                        words["body"],
                        ("meeting", "sécurité")[language],
                        ("visitors", "visiteurs")[language],
                    )
                ),
            )
        ],
        **fields,
    )
    ReleaseQuoteFactory(page=page, speaker=speaker, text="%s !" % words["quote"])
    ReleaseTopicFactory(page=page, topic=topic)
    video = VideoFactory(
        title="%s %s" % (("Footage", "Séquence")[language], words["video title"]),
        description=words["video description"],
        locale=parent.locale,
    )
    ShotFactory(
        video=video,
        start=Decimal(shot_start),
        end=Decimal(shot_start) + 4,
        description="%s %s" % (("Exterior", "Extérieur")[language], words["shot"]),
    )
    ReleaseVideoFactory(page=page, video=video)
    return page, video


def build_archive(site_tree) -> Archive:
    """Two live releases (en, fr) sharing a topic and a speaker across languages, and an older one."""
    french = site_tree.locales["fr"]
    topic = TopicFactory(name="Aquaculture")
    french_topic = topic.copy_for_translation(french)
    french_topic.name = "Pisciculture"
    french_topic.save()
    speaker = SpeakerFactory(name="Ottoline Brackenbury", title="Harbourmaster")
    french_speaker = speaker.copy_for_translation(french)
    french_speaker.title = "Capitainerie"
    french_speaker.save()

    english, english_video = _release(
        site_tree.news,
        0,
        speaker=speaker,
        topic=topic,
        video_title="vermilion",
        shot_start="12.4",
        slug="harbour",
    )
    french_page, french_video = _release(
        site_tree.news_in("fr"),
        1,
        speaker=french_speaker,
        topic=french_topic,
        video_title="écarlate",
        shot_start="7.2",
        slug="port",
    )
    older = NewsReleasePageFactory(
        parent=site_tree.news,
        title="Annual fisheries report",
        slug="annual",
        lead="The annual report on fisheries.",
        place="Oslo",
        release_date=datetime.date(2023, 3, 1),
        body=[],
    )
    for page in (english, french_page, older):
        page.save_revision().publish()
    return Archive(
        english, french_page, older, topic, speaker, english_video, french_video
    )
