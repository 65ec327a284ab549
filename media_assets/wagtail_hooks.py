"""The video library in the Wagtail admin.

Masters are uploaded through the video snippet's form, not wagtailmedia's own add/edit views:
the snippet is what wagtail-localize translates (titles, descriptions, shot lists) and what has the
shot list inline, so it is the one place where a video is created and edited. wagtailmedia's model,
chooser and permissions stay in use; its add and edit URLs lead to the snippet's views so that no
master enters the library without being processed.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, re_path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import TemplateView

from wagtail import hooks
from wagtail.admin.ui.tables import Column
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.widgets.button import Button
from wagtail.permission_policies import ModelPermissionPolicy
from wagtail.permissions import register_permission_policy
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import CreateView, EditView, SnippetViewSet

from core.listings import TranslatableIndexView, language_column
from media_assets import services
from media_assets.models import Download, ProcessingState, UsageTerms, Video
from media_assets.reports.hooks import register as register_download_reports
from media_assets.uploads import interrupted_uploads


class VideoSaveMixin:
    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        if self.request.method == "POST":
            kwargs["interrupted_upload"] = bool(interrupted_uploads(self.request))
        return kwargs

    processing = None

    def is_valid(self, form):
        valid = super().is_valid(form)
        if not valid and form.keep_upload() is not None:
            # Say so at the top too: the person must not think the upload is lost.
            self.produced_error_message = "%s %s" % (
                self.produced_error_message or "",
                form.kept_message,
            )
        return valid

    def save_instance(self):
        instance = super().save_instance()
        if self.form.master_changed:
            self.processing = services.request_processing(video=instance)
        return instance

    def get_success_message(self, *args):
        # After the save's transaction committed: the job was handed over, or not.
        message = super().get_success_message(*args)
        if self.processing is None:
            return message
        if self.processing.queued is False:
            return _(
                "%(message)s The master was uploaded and is safe. The job service is "
                "not reachable right now: processing will start by itself when it is "
                "back."
            ) % {"message": message}
        # Processing may have finished already (inline tasks, a quick worker): say what is.
        state = (
            Video.objects.filter(pk=self.object.pk)
            .values_list("processing_state", flat=True)
            .first()
        )
        if state == ProcessingState.READY:
            status = _("The master was uploaded and processed: the video is ready.")
        elif state == ProcessingState.FAILED:
            status = _(
                "The master was uploaded but could not be processed: see the reason "
                "on the video's page."
            )
        elif state == ProcessingState.PROCESSING:
            status = _("The master was uploaded: processing is under way.")
        else:
            status = _("The master was uploaded: processing has been queued.")
        return "%(message)s %(status)s" % {"message": message, "status": status}


class VideoCreateView(VideoSaveMixin, CreateView):
    def save_instance(self):
        self.form.instance.uploaded_by_user = self.request.user
        return super().save_instance()


class VideoEditView(VideoSaveMixin, EditView):
    pass


class ReprocessView(WagtailAdminTemplateMixin, TemplateView):
    """Confirm, then queue the video's processing again (poster and preview are made anew)."""

    template_name = "media_assets/reprocess.html"
    page_title = gettext_lazy("Run processing again")
    header_icon = "media"
    permission_policy = None
    edit_url_name = None

    def dispatch(self, request, *args, **kwargs):
        self.video = get_object_or_404(Video, pk=kwargs["pk"])
        if not self.permission_policy.user_has_permission_for_instance(
            request.user, "change", self.video
        ):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_page_subtitle(self):
        return self.video.title

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            video=self.video,
            edit_url=reverse(self.edit_url_name, args=[self.video.pk]),
            **kwargs,
        )

    def post(self, request, *args, **kwargs):
        services.request_processing(video=self.video, force=True)
        messages.success(
            request,
            _("Processing of “%(title)s” has been queued again.")
            % {"title": self.video.title},
        )
        return redirect(self.edit_url_name, self.video.pk)


class ProcessingStatusView(View):
    """The processing state as JSON, polled by the edit form while a video is processed."""

    permission_policy = None

    def get(self, request, pk):
        video = get_object_or_404(Video, pk=pk)
        if not self.permission_policy.user_has_permission_for_instance(
            request.user, "change", video
        ):
            raise PermissionDenied
        return JsonResponse(
            {
                "state": video.processing_state,
                "label": video.get_processing_state_display(),
                "error": str(video.processing_error_message),
            }
        )


class VideoViewSet(SnippetViewSet):
    """The video library: upload, processing state, metadata, shot list; translatable."""

    model = Video
    icon = "media"
    menu_label = gettext_lazy("Video library")
    menu_order = 250
    add_to_admin_menu = True
    add_view_class = VideoCreateView
    edit_view_class = VideoEditView
    index_view_class = TranslatableIndexView  # opens on the translator's language
    list_display = [
        "title",
        "processing_state",
        Column("running_time", label=gettext_lazy("Duration"), sort_key="duration"),
        language_column(),
        "created_at",
    ]
    # Wagtail adds its language filter (by language code) to translatable models
    list_filter = ["processing_state"]
    search_fields = ["title", "description"]

    @property
    def reprocess_view(self):
        return self.construct_view(
            ReprocessView,
            permission_policy=self.permission_policy,
            edit_url_name=self.get_url_name("edit"),
        )

    @property
    def status_view(self):
        return self.construct_view(
            ProcessingStatusView, permission_policy=self.permission_policy
        )

    def get_urlpatterns(self):
        return [
            *super().get_urlpatterns(),
            path("reprocess/<int:pk>/", self.reprocess_view, name="reprocess"),
            path("status/<int:pk>/", self.status_view, name="processing_status"),
        ]


register_snippet(VideoViewSet)


@hooks.register("register_snippet_listing_buttons")
def reprocess_listing_button(snippet, user, next_url=None):
    if (
        isinstance(snippet, Video)
        and snippet.processing_state != ProcessingState.QUEUED
    ):
        yield Button(
            _("Run processing again"),
            url=reverse(
                "wagtailsnippets_media_assets_video:reprocess", args=[snippet.pk]
            ),
            icon_name="resubmit",
            priority=50,
        )


@hooks.register("construct_main_menu")
def hide_wagtailmedia_menu(request, menu_items):
    # The video library (above) replaces wagtailmedia's "Media" menu: one place for videos.
    menu_items[:] = [item for item in menu_items if item.name != "media"]


# after wagtailmedia's own hook (order 0), which adds its item
@hooks.register("construct_homepage_summary_items", order=1)
def summarise_the_video_library(request, items):
    # Its "Media files" led to wagtailmedia's own listing, which the menu no longer shows: the
    # same count (its permissions), worded and linked as the library.
    # Imported here: importing wagtailmedia's hooks at the top of this module would register
    # its admin URLs before the routes above, which must come first.
    from wagtailmedia.wagtail_hooks import MediaSummaryItem

    for item in items:
        if type(item) is MediaSummaryItem:
            item.template_name = "media_assets/admin/site_summary_videos.html"


def _to_library_add(request, media_type=None):
    return redirect("wagtailsnippets_media_assets_video:add")


def _to_library_edit(request, media_id):
    return redirect("wagtailsnippets_media_assets_video:edit", media_id)


@hooks.register("register_admin_urls")
def route_wagtailmedia_uploads_to_library():
    # Registered before wagtailmedia's own URLs (media_assets comes first in INSTALLED_APPS).
    return [
        re_path(r"^media/(?P<media_type>audio|video|media)/add/$", _to_library_add),
        path("media/edit/<int:media_id>/", _to_library_edit),
        re_path(
            r"^media/(?P<media_type>audio|video)/chooser/upload/$", _to_library_add
        ),
    ]


def _to_library_delete(request, media_id):
    # wagtailmedia's own delete view asks its own policy, where "change" implies delete: the
    # library's delete view asks ours (superusers only) and says what still uses the video.
    return redirect("wagtailsnippets_media_assets_video:delete", media_id)


@hooks.register("register_admin_urls")
def route_wagtailmedia_deletion_to_library():
    return [path("media/delete/<int:media_id>/", _to_library_delete)]


register_download_reports()


# --- downloads: the staff's master download, the usage terms, the log (read-only) ----------


class MasterDownloadView(View):
    """Staff with admin access download any master, released or not (logged like any other)."""

    def get(self, request, pk):
        from media_assets import downloads

        video = get_object_or_404(Video, pk=pk)
        if not request.user.has_perm("wagtailadmin.access_admin") or not video.file:
            raise PermissionDenied
        link = downloads.make_link(
            user=request.user,
            kind="master",
            object_id=video.pk,
            filename=downloads.master_filename(video),
            language=request.LANGUAGE_CODE,
            staff=True,
        )
        return redirect(link)


@hooks.register("register_admin_urls")
def master_download_url():
    return [
        path(
            "videos/<int:pk>/master/",
            MasterDownloadView.as_view(),
            name="media_assets_master_download",
        )
    ]


@hooks.register("register_snippet_listing_buttons")
def master_download_listing_button(snippet, user, next_url=None):
    if isinstance(snippet, Video) and snippet.file:
        yield Button(
            _("Download the master"),
            url=reverse("media_assets_master_download", args=[snippet.pk]),
            icon_name="download",
            priority=60,
        )


class UsageTermsViewSet(SnippetViewSet):
    model = UsageTerms
    icon = "doc-full"
    menu_label = gettext_lazy("Usage terms")
    list_display = ["title", "version", "updated_at"]


class ReadOnlyPolicy(ModelPermissionPolicy):
    """The download log is written by downloads only: the press office reads it."""

    def user_has_permission(self, user, action):
        if action in ("add", "change", "delete", "lock", "unlock", "publish"):
            return False
        return super().user_has_permission(user, action)

    def user_has_permission_for_instance(self, user, action, instance):
        return self.user_has_permission(user, action)


class DownloadViewSet(SnippetViewSet):
    model = Download
    icon = "download"
    menu_label = gettext_lazy("Download log")
    inspect_view_enabled = True
    list_display = [
        "created_at",
        "email",
        "organisation",
        "video_title",
        "language",
        "kind",
        "requests",
        "bytes_sent",
    ]
    list_filter = ["kind", "language"]
    ordering = ["-created_at"]


register_permission_policy(Download, ReadOnlyPolicy(Download))
register_snippet(UsageTermsViewSet)
register_snippet(DownloadViewSet)
