import datetime

from wagtail.rich_text import RichText

import factory
import wagtail_factories

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
        lambda: [
            ("paragraph", RichText("<p>The committees met at headquarters.</p>"))
        ]
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
