from django.utils.translation import gettext_lazy as _

from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from core.listings import TranslatableIndexView, language_column
from news.models import Speaker, Topic


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
