"""Wire the download reports into the Wagtail admin: URLs, the Reports menu item, the video panel.

Called once from `media_assets.wagtail_hooks` (`register()`), so that file stays shared.
"""

from __future__ import annotations

from django.urls import include, path, reverse
from django.utils.translation import gettext_lazy as _

from wagtail import hooks
from wagtail.admin.menu import MenuItem

from media_assets.reports import views


class DownloadReportsMenuItem(MenuItem):
    def is_shown(self, request):
        return views.user_can_see_reports(request.user)


def _urls():
    patterns = []
    for route, view_class, name in [
        ("", views.OverTimeView, "over_time"),
        ("videos/", views.PerVideoView, "per_video"),
        ("releases/", views.PerReleaseView, "per_release"),
        ("organisations/", views.PerOrganisationView, "per_organisation"),
        ("log/", views.LogView, "log"),
    ]:
        patterns += [
            path(route, view_class.as_view(), name=name),
            path(
                route + "results/",
                view_class.as_view(results_only=True),
                name=name + "_results",
            ),
        ]
    return [
        path(
            "reports/downloads/",
            include(
                (patterns, "media_assets_reports"), namespace="media_assets_reports"
            ),
        )
    ]


def _menu_item():
    return DownloadReportsMenuItem(
        _("Downloads"),
        reverse("media_assets_reports:over_time"),
        name="downloads",
        icon_name="download",
        order=1100,
    )


def register() -> None:
    hooks.register("register_admin_urls", _urls)
    hooks.register("register_reports_menu_item", _menu_item)
