from django.db import models
from django.utils.translation import gettext_lazy as _

from wagtail.admin.panels import FieldPanel
from wagtail.models import Page

from core.permissions import SuperuserDeletesPageMixin


LATEST_RELEASES = 6
LATEST_VIDEOS = 4


class HomePage(SuperuserDeletesPageMixin, Page):
    """The landing: latest releases, latest videos, a search box and a call to create an account."""

    intro = models.TextField(
        _("introduction"),
        blank=True,
        help_text=_(
            "A sentence under the strapline, for example what the newsroom offers."
        ),
    )

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    parent_page_types = ["wagtailcore.Page"]
    subpage_types = ["news.NewsIndexPage"]
    template = "pages/home_page.html"

    class Meta:
        verbose_name = _("home page")

    def get_context(self, request, *args, **kwargs):
        from home.selectors import latest_releases, latest_videos

        context = super().get_context(request, *args, **kwargs)
        context["latest_releases"] = latest_releases(self.locale, LATEST_RELEASES)
        context["latest_videos"] = latest_videos(self.locale, LATEST_VIDEOS)
        return context
