from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from modelcluster.fields import ParentalKey
from wagtail.admin.panels import (
    FieldPanel,
    FieldRowPanel,
    MultiFieldPanel,
    TitleFieldPanel,
)
from wagtail.fields import StreamField
from wagtail.models import (
    AbstractGroupApprovalTask,
    Orderable,
    Page,
    PageManager,
    TranslatableMixin,
)
from wagtail.query import PageQuerySet
from wagtail.search import index

from core.editing import InlinePanel, PageForm
from core.permissions import SuperuserDeletesPageMixin
from news.blocks import ReleaseBodyBlock


class Topic(TranslatableMixin, index.Indexed, models.Model):
    name = models.CharField(_("name"), max_length=100)

    search_fields = [index.SearchField("name"), index.AutocompleteField("name")]
    panels = [FieldPanel("name")]

    class Meta(TranslatableMixin.Meta):
        verbose_name = _("topic")
        verbose_name_plural = _("topics")
        ordering = ["name"]

    def __str__(self):
        return self.name


class Speaker(TranslatableMixin, index.Indexed, models.Model):
    name = models.CharField(_("name"), max_length=200)
    title = models.CharField(
        _("title or role"),
        max_length=255,
        help_text=_("For example: Secretary General."),
    )
    organisation = models.CharField(_("organisation"), max_length=255, blank=True)
    photo = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("photo"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    search_fields = [
        index.SearchField("name"),
        index.AutocompleteField("name"),
        index.SearchField("title"),
        index.SearchField("organisation"),
    ]
    panels = [
        FieldPanel("name"),
        FieldPanel("title"),
        FieldPanel("organisation"),
        FieldPanel("photo"),
    ]

    class Meta(TranslatableMixin.Meta):
        verbose_name = _("speaker")
        verbose_name_plural = _("speakers")
        ordering = ["name"]

    def __str__(self):
        return self.name


class NewsIndexPage(SuperuserDeletesPageMixin, Page):
    intro = models.TextField(_("introduction"), blank=True)

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    parent_page_types = ["home.HomePage"]
    subpage_types = ["news.NewsReleasePage"]
    max_count_per_parent = 1
    template = "pages/news_index_page.html"

    class Meta:
        verbose_name = _("news index")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        releases = NewsReleasePage.objects.child_of(self).live().public().for_listing()
        context["releases"] = releases[:50]
        return context


class NewsReleasePageQuerySet(PageQuerySet):
    def for_listing(self) -> NewsReleasePageQuerySet:
        return self.order_by("-release_date", "-first_published_at", "-pk")

    def in_locale(self, locale) -> NewsReleasePageQuerySet:
        return self.filter(locale=locale)


NewsReleasePageManager = PageManager.from_queryset(NewsReleasePageQuerySet)


class NewsReleasePage(SuperuserDeletesPageMixin, Page):
    """A news release: headline (the page title), date, place, lead, body, quotes, topics, videos."""

    release_date = models.DateField(_("release date"))
    place = models.CharField(
        _("place"), max_length=120, blank=True, help_text=_("For example: Brussels.")
    )
    lead = models.TextField(
        _("lead"), help_text=_("One or two sentences that sum up the release.")
    )
    body = StreamField(ReleaseBodyBlock(), verbose_name=_("body"), blank=True)

    objects = NewsReleasePageManager()
    base_form_class = PageForm

    content_panels = [
        # Like Wagtail's title: the slug follows the headline until the release is published.
        TitleFieldPanel("title", heading=_("Headline")),
        FieldRowPanel([FieldPanel("release_date"), FieldPanel("place")]),
        FieldPanel("lead"),
        FieldPanel("body"),
        InlinePanel("quotes", heading=_("Speakers and quotes"), label=_("quote")),
        MultiFieldPanel([InlinePanel("topics", label=_("topic"))], heading=_("Topics")),
        InlinePanel("videos", heading=_("Linked videos"), label=_("video")),
    ]
    search_fields = [
        *Page.search_fields,
        index.SearchField("lead"),
        index.SearchField("body"),
        index.SearchField("place"),
        index.FilterField("release_date"),
        index.RelatedFields("quotes", [index.SearchField("text")]),
    ]
    parent_page_types = ["news.NewsIndexPage"]
    subpage_types = []
    template = "pages/news_release_page.html"

    class Meta:
        verbose_name = _("news release")
        verbose_name_plural = _("news releases")

    def get_context(self, request, *args, **kwargs):
        from news.selectors import release_detail

        context = super().get_context(request, *args, **kwargs)
        context.update(release_detail(self))
        return context


class ReleaseQuote(TranslatableMixin, Orderable):
    page = ParentalKey(NewsReleasePage, related_name="quotes", on_delete=models.CASCADE)
    speaker = models.ForeignKey(
        Speaker,
        verbose_name=_("speaker"),
        on_delete=models.PROTECT,
        related_name="quotes",
    )
    text = models.TextField(_("quote"))

    panels = [FieldPanel("speaker"), FieldPanel("text")]

    class Meta(TranslatableMixin.Meta, Orderable.Meta):
        verbose_name = _("quote")
        verbose_name_plural = _("quotes")


class ReleaseTopic(TranslatableMixin, Orderable):
    page = ParentalKey(NewsReleasePage, related_name="topics", on_delete=models.CASCADE)
    topic = models.ForeignKey(
        Topic, verbose_name=_("topic"), on_delete=models.PROTECT, related_name="+"
    )

    panels = [FieldPanel("topic")]

    class Meta(TranslatableMixin.Meta, Orderable.Meta):
        verbose_name = _("topic")
        verbose_name_plural = _("topics")


class ReleaseVideo(TranslatableMixin, Orderable):
    page = ParentalKey(NewsReleasePage, related_name="videos", on_delete=models.CASCADE)
    video = models.ForeignKey(
        "media_assets.Video",
        verbose_name=_("video"),
        on_delete=models.PROTECT,
        related_name="releases",
    )

    panels = [FieldPanel("video")]

    class Meta(TranslatableMixin.Meta, Orderable.Meta):
        verbose_name = _("linked video")
        verbose_name_plural = _("linked videos")


class ReleaseReviewTask(AbstractGroupApprovalTask):
    """Wagtail's group approval, except that a rejection ("Request changes") must say why.

    The comment travels to the author in Wagtail's rejection e-mail.
    """

    def get_form_for_action(self, action):
        if action == "reject":
            from news.workflow import RejectionCommentForm

            return RejectionCommentForm
        return super().get_form_for_action(action)

    def on_action(self, task_state, user, action_name, **kwargs):
        # The edit view passes the modal's data straight through: refuse a rejection with no reason.
        if action_name == "reject" and not str(kwargs.get("comment") or "").strip():
            return None
        return super().on_action(task_state, user, action_name, **kwargs)

    @classmethod
    def get_description(cls):
        return _(
            "Reviewers approve (publish or schedule) or request changes with a comment"
        )

    class Meta:
        verbose_name = _("release review task")
        verbose_name_plural = _("release review tasks")
