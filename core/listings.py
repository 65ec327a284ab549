"""Admin listings of translatable records: a language column, and the person's language first.

Which languages a person works in is the editorial roles' business (`news.roles`); apps that
may not import `news` ask through `person_languages`, which `news` answers (see its AppConfig).
"""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlencode

from django.shortcuts import redirect
from django.utils.translation import gettext_lazy as _

from wagtail.admin.ui.tables import LocaleColumn
from wagtail.snippets.views.snippets import IndexView


_language_sources: list[Callable] = []


def register_person_languages(source: Callable) -> None:
    """`source(user)` gives the language codes a person works in, or None when not limited."""
    _language_sources.append(source)


def person_languages(user) -> set[str] | None:
    for source in _language_sources:
        languages = source(user)
        if languages:
            return languages
    return None


# The listing's language column.
def language_column() -> LocaleColumn:
    return LocaleColumn(label=_("Language"))


class TranslatableIndexView(IndexView):
    """A snippet listing that opens on the person's own language, when they work in one only.

    The language filter stays: choosing "All" (an empty `locale`) shows every language.
    """

    def get(self, request, *args, **kwargs):
        languages = person_languages(request.user)
        if (
            "locale" not in request.GET
            and languages is not None
            and len(languages) == 1
            and not self.results_only
        ):
            query = request.GET.copy()
            query["locale"] = next(iter(languages))
            return redirect("%s?%s" % (request.path, urlencode(query, doseq=True)))
        return super().get(request, *args, **kwargs)
