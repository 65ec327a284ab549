from django.utils.translation import gettext_lazy as _

from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from news.models import Speaker, Topic


class SpeakerViewSet(SnippetViewSet):
    model = Speaker
    icon = "user"
    list_display = ["name", "title", "organisation"]
    search_fields = ["name", "title", "organisation"]


class TopicViewSet(SnippetViewSet):
    model = Topic
    icon = "tag"
    list_display = ["name"]
    search_fields = ["name"]


class NewsSnippetsGroup(SnippetViewSetGroup):
    items = (SpeakerViewSet, TopicViewSet)
    menu_icon = "folder-open-inverse"
    menu_label = _("News records")
    menu_order = 200


register_snippet(NewsSnippetsGroup)

import news.workflow_hooks  # noqa: E402, F401  (the editorial workflow's hooks)
