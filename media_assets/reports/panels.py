"""The one-line download summary on a video's edit page."""

from __future__ import annotations

from django.urls import reverse
from django.utils.http import urlencode

from wagtail.admin.panels import Panel


SUMMARY_DAYS = 30


class DownloadsPanel(Panel):
    """A video's downloads (all languages) over the last 30 days, for those who see reports."""

    @property
    def clean_name(self):
        return super().clean_name or "downloads"

    class BoundPanel(Panel.BoundPanel):
        template_name = "media_assets/reports/video_panel.html"

        def is_shown(self):
            from media_assets.reports.views import user_can_see_reports

            return bool(
                self.instance
                and self.instance.pk
                and self.request
                and user_can_see_reports(self.request.user)
            )

        def get_context_data(self, parent_context=None):
            from media_assets.reports.selectors import Period, video_downloads_summary

            context = super().get_context_data(parent_context)
            key = self.instance.translation_key
            period = Period.last_days(SUMMARY_DAYS)
            context["summary"] = video_downloads_summary(
                video_key=key, days=SUMMARY_DAYS
            )
            context["days"] = SUMMARY_DAYS
            context["history_url"] = (
                reverse("media_assets_reports:over_time")
                + "?"
                + urlencode(
                    {
                        "video": str(key),
                        "period_from": period.start.isoformat(),
                        "period_to": period.end.isoformat(),
                    }
                )
            )
            return context
