"""Admin panels of the video library."""

from __future__ import annotations

from django import forms
from django.urls import reverse

from wagtail.admin.panels import InlinePanel, Panel


class ProcessingPanel(Panel):
    """The processing state (with the reason of a failure), the technical metadata, "run again"."""

    @property
    def clean_name(self):
        return super().clean_name or "processing"

    class BoundPanel(Panel.BoundPanel):
        template_name = "media_assets/panels/processing.html"

        def is_shown(self):
            return bool(self.instance and self.instance.pk)

        def get_context_data(self, parent_context=None):
            context = super().get_context_data(parent_context)
            video = self.instance
            context["video"] = video
            context["reprocess_url"] = reverse(
                "wagtailsnippets_media_assets_video:reprocess", args=[video.pk]
            )
            context["status_url"] = reverse(
                "wagtailsnippets_media_assets_video:processing_status", args=[video.pk]
            )
            return context

        @property
        def media(self):
            return forms.Media(js=["media_assets/js/processing_status.js"])


class ShotListPanel(InlinePanel):
    """The inline shot list, with timecode fields and whole-list validation."""

    def get_form_options(self):
        from media_assets.forms import ShotForm, ShotFormSet

        options = super().get_form_options()
        options["formsets"][self.relation_name].update(
            {"form": ShotForm, "formset": ShotFormSet}
        )
        return options
