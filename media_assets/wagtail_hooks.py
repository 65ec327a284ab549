from django.utils.translation import gettext_lazy as _

from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from media_assets.models import Video


class VideoViewSet(SnippetViewSet):
    """The video library as translators and officers edit it: descriptions and the shot list inline."""

    model = Video
    icon = "media"
    menu_label = _("Video library")
    menu_order = 250
    add_to_admin_menu = True
    list_display = ["title", "duration", "created_at"]
    search_fields = ["title", "description"]


register_snippet(VideoViewSet)
