from django.utils.translation import gettext_lazy as _

from wagtail import hooks
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from core.listings import TranslatableIndexView, language_column
from news.models import Speaker, Topic
from news.roles import allowed_locales
from news.translation_panel import ToTranslatePanel


class SpeakerViewSet(SnippetViewSet):
    model = Speaker
    icon = "user"
    index_view_class = TranslatableIndexView
    list_display = ["name", "title", "organisation", language_column()]
    search_fields = ["name", "title", "organisation"]


class TopicViewSet(SnippetViewSet):
    model = Topic
    icon = "tag"
    index_view_class = TranslatableIndexView
    list_display = ["name", language_column()]
    search_fields = ["name"]


class NewsSnippetsGroup(SnippetViewSetGroup):
    items = (SpeakerViewSet, TopicViewSet)
    menu_icon = "folder-open-inverse"
    menu_label = _("News records")
    menu_order = 200


register_snippet(NewsSnippetsGroup)

import news.workflow_hooks  # noqa: E402, F401  (the editorial workflow's hooks)


@hooks.register("construct_homepage_panels")
def show_translators_what_waits(request, panels):
    """Translators reach the sources through their dashboard (news.translation_panel)."""
    if allowed_locales(request.user):
        panels.append(ToTranslatePanel(request.user))
