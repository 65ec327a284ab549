import datetime
from decimal import Decimal

from wagtail.rich_text import RichText

import factory
import wagtail_factories

from core.translation import translate_with
from media_assets.factories import ShotFactory, VideoFactory
from news.models import (
    NewsIndexPage,
    NewsReleasePage,
    ReleaseQuote,
    ReleaseTopic,
    ReleaseVideo,
    Speaker,
    Topic,
)


class TopicFactory(factory.django.DjangoModelFactory):
    name = factory.Sequence(lambda n: "Topic %d" % n)

    class Meta:
        model = Topic


class SpeakerFactory(factory.django.DjangoModelFactory):
    name = factory.Sequence(lambda n: "Speaker %d" % n)
    title = "Secretary General"
    organisation = "The Organisation"

    class Meta:
        model = Speaker


class NewsIndexPageFactory(wagtail_factories.PageFactory):
    title = "News"
    slug = "news"

    class Meta:
        model = NewsIndexPage


class NewsReleasePageFactory(wagtail_factories.PageFactory):
    title = factory.Sequence(lambda n: "Release number %d" % n)
    slug = factory.Sequence(lambda n: "release-%d" % n)
    release_date = datetime.date(2025, 11, 19)
    place = "Brussels"
    lead = "The Secretary General met the heads of the allied intelligence services."
    body = factory.LazyFunction(
        lambda: [("paragraph", RichText("<p>The committees met at headquarters.</p>"))]
    )

    class Meta:
        model = NewsReleasePage


class ReleaseQuoteFactory(factory.django.DjangoModelFactory):
    page = factory.SubFactory(NewsReleasePageFactory)
    speaker = factory.SubFactory(SpeakerFactory)
    text = "Intelligence is essential against growing threats."
    sort_order = factory.Sequence(int)

    class Meta:
        model = ReleaseQuote


class ReleaseTopicFactory(factory.django.DjangoModelFactory):
    page = factory.SubFactory(NewsReleasePageFactory)
    topic = factory.SubFactory(TopicFactory)
    sort_order = factory.Sequence(int)

    class Meta:
        model = ReleaseTopic


class ReleaseVideoFactory(factory.django.DjangoModelFactory):
    page = factory.SubFactory(NewsReleasePageFactory)
    video = factory.SubFactory("media_assets.factories.VideoFactory")
    sort_order = factory.Sequence(int)

    class Meta:
        model = ReleaseVideo


# A release shaped like the day-one one, and its translation, for tests, the bench and demos.

FRENCH = {
    "Secretary General meets the heads of allied intelligence services": "Le secrétaire général rencontre les chefs des services de renseignement alliés",
    "secretary-general-meets-heads": "le-secretaire-general-rencontre-les-chefs",
    "Brussels": "Bruxelles",
    "Secretary General": "Secrétaire général",
    "Chair of the Military Committee": "Président du Comité militaire",
    "Intelligence": "Renseignement",
    "Emerging technologies": "Technologies émergentes",
    "Wide shot of headquarters.": "Plan large du siège.",
}


def to_french(text: str) -> str:
    return FRENCH.get(text, "[fr] " + text)


def translate_release(page, locale):
    """Translate a release and everything it points to into `locale`, through wagtail-localize."""
    for quote in page.quotes.all():
        if not quote.speaker.has_translation(locale):
            translate_with(quote.speaker, locale, to_french)
    for link in page.topics.all():
        if not link.topic.has_translation(locale):
            translate_with(link.topic, locale, to_french)
    for link in page.videos.all():
        if not link.video.has_translation(locale):
            translate_with(link.video, locale, to_french)
    return translate_with(page, locale, to_french, publish=True)


def build_release(news_index, *, quotes=3, videos=1, shots=3, **fields):
    """A release like the day-one one: two speakers, `quotes` quotes, two topics, `videos` videos."""
    fields.setdefault(
        "title", "Secretary General meets the heads of allied intelligence services"
    )
    fields.setdefault("slug", "secretary-general-meets-heads")
    page = NewsReleasePageFactory(parent=news_index, **fields)
    secretary_general = SpeakerFactory(name="Alex Morgan", title="Secretary General")
    chair = SpeakerFactory(name="Jordan Reyes", title="Chair of the Military Committee")
    for number in range(quotes):
        ReleaseQuoteFactory(
            page=page,
            speaker=chair if number == quotes - 1 and quotes > 1 else secretary_general,
            text="Quote number %d on intelligence." % (number + 1),
        )
    ReleaseTopicFactory(page=page, topic=TopicFactory(name="Intelligence"))
    ReleaseTopicFactory(page=page, topic=TopicFactory(name="Emerging technologies"))
    for number in range(videos):
        video = VideoFactory(title="Meeting video %d" % (number + 1))
        for shot in range(shots):
            ShotFactory(
                video=video,
                start=Decimal(4 * shot),
                end=Decimal(4 * shot + 4),
                description="Wide shot of headquarters."
                if shot == 0
                else "Shot %d." % (shot + 1),
            )
        ReleaseVideoFactory(page=page, video=video)
    page.save_revision().publish()
    return page
