"""The reports' filter forms (Wagtail's filter drawer), read into a `ReportFilters`.

The filters do not touch a queryset themselves: the reports aggregate, so the filters must apply
to the log rows before grouping, which the selectors do from `ReportFilters`.
"""

from __future__ import annotations

import datetime

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from wagtail.admin.filters import DateRangePickerWidget, WagtailFilterSet

import django_filters

from media_assets.models import Download, DownloadKind
from media_assets.reports.selectors import BUCKETS, Period, ReportFilters


# Longer periods are refused with a message: every report stays a bounded scan of the log.
MAX_DAYS = 3 * 366


class ReportFilterForm(forms.Form):
    def clean(self):
        cleaned = super().clean()
        period = cleaned.get("period")
        if period and period.start and period.stop:
            start, end = period.start, period.stop
            if isinstance(start, datetime.datetime):
                start, end = start.date(), end.date()
            if start > end:
                self.add_error(
                    "period", _("The start date must be on or before the end date.")
                )
            elif (end - start).days + 1 > MAX_DAYS:
                self.add_error(
                    "period",
                    _("Choose a period of at most %(days)s days.") % {"days": MAX_DAYS},
                )
        return cleaned


def _unfiltered(queryset, name, value):
    return queryset


class ReportFilterSet(WagtailFilterSet):
    """Period, kind and language: what every report filters by."""

    period = django_filters.DateFromToRangeFilter(
        label=_("Period"), widget=DateRangePickerWidget, method=_unfiltered
    )
    kind = django_filters.ChoiceFilter(
        label=_("Kind"), choices=DownloadKind.choices, method=_unfiltered
    )
    language = django_filters.ChoiceFilter(
        label=_("Language"), choices=settings.LANGUAGES, method=_unfiltered
    )

    class Meta:
        model = Download
        fields = []
        form = ReportFilterForm

    def report_filters(self) -> ReportFilters:
        """The filters as the selectors take them; invalid or missing values take defaults."""
        self.is_valid()
        data = getattr(self.form, "cleaned_data", {})
        default = Period.last_days()
        period = data.get("period")
        start = getattr(period, "start", None)
        end = getattr(period, "stop", None)
        if start and isinstance(start, datetime.datetime):
            start = start.date()
        if end and isinstance(end, datetime.datetime):
            end = end.date()
        if start and not end:
            end = max(start, default.end)
        if end and not start:
            start = end - datetime.timedelta(days=default.days - 1)
        chosen = Period(start=start, end=end) if start and end else default
        return ReportFilters(
            period=chosen,
            kind=data.get("kind") or "",
            language=data.get("language") or "",
            video_key=data.get("video") or None,
            release_key=data.get("release") or None,
            organisation=data.get("organisation") or "",
            account=data.get("account") or "",
        )


class OverTimeFilterSet(ReportFilterSet):
    bucket = django_filters.ChoiceFilter(
        label=_("Per"),
        choices=[
            ("day", _("day")),
            ("week", _("week")),
            ("month", _("month")),
        ],
        method=_unfiltered,
    )
    # The history of one video, release or organisation (links from the other reports).
    video = django_filters.UUIDFilter(
        label=pgettext_lazy("download report", "Video"), method=_unfiltered
    )
    release = django_filters.UUIDFilter(label=_("Release"), method=_unfiltered)
    organisation = django_filters.CharFilter(
        label=_("Organisation"), method=_unfiltered
    )

    def bucket_value(self) -> str:
        self.is_valid()
        value = getattr(self.form, "cleaned_data", {}).get("bucket")
        return value if value in BUCKETS else "day"


class LogFilterSet(ReportFilterSet):
    video = django_filters.UUIDFilter(
        label=pgettext_lazy("download report", "Video"), method=_unfiltered
    )
    release = django_filters.UUIDFilter(label=_("Release"), method=_unfiltered)
    organisation = django_filters.CharFilter(
        label=_("Organisation"), method=_unfiltered
    )
    account = django_filters.CharFilter(
        label=_("Account (e-mail address)"), method=_unfiltered
    )
