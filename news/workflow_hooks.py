"""Wagtail hooks of the editorial workflow (imported by news.wagtail_hooks)."""

from __future__ import annotations

from django.contrib import messages
from django.urls import path, reverse
from django.utils import formats, timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from wagtail import hooks
from wagtail.admin.widgets.button import Button

from news.admin_views import submit_translation_for_review_view


@hooks.register("register_admin_urls")
def register_workflow_admin_urls():
    return [
        path(
            "news/translations/<int:page_id>/submit-for-review/",
            submit_translation_for_review_view,
            name="news_submit_translation_for_review",
        )
    ]


def submit_translation_button(page, user, view_name=None, next_url=None):
    """Explorer and header button; one query per release row (no query for other pages)."""
    from wagtail_localize.models import Translation

    from news.models import NewsReleasePage

    if page.specific_class is not NewsReleasePage:
        return
    # Only translations synced by wagtail-localize: other pages have Wagtail's own "Submit for review".
    is_synced_translation = Translation.objects.filter(
        source__object_id=page.translation_key,
        target_locale_id=page.locale_id,
        enabled=True,
    ).exists()
    if not is_synced_translation or not page.permissions_for_user(user).can_edit():
        return
    yield Button(
        _("Submit translation for review"),
        reverse("news_submit_translation_for_review", args=[page.pk]),
        icon_name="resubmit",
        priority=70,
    )


hooks.register("register_page_header_buttons", submit_translation_button)
hooks.register("register_page_listing_more_buttons", submit_translation_button)


@hooks.register(
    "before_edit_page", order=-1
)  # before wagtail-localize sends translations on
def show_requested_changes(request, page):
    """The reviewer's last "Request changes" comment, at the top of the page, until resubmitted."""
    from wagtail.models import TaskState, WorkflowState

    if request.method != "GET":
        return
    state = page.current_workflow_state
    if state is None or state.status != WorkflowState.STATUS_NEEDS_CHANGES:
        return
    task_state = state.current_task_state
    if task_state is None or task_state.status != TaskState.STATUS_REJECTED:
        return
    reviewer = task_state.finished_by
    messages.warning(
        request,
        gettext("Changes requested by %(reviewer)s on %(date)s: “%(comment)s”")
        % {
            "reviewer": reviewer.get_full_name() or reviewer.email
            if reviewer
            else gettext("a reviewer"),
            "date": formats.date_format(
                timezone.localtime(task_state.finished_at), "DATETIME_FORMAT"
            ),
            "comment": task_state.get_comment(),
        },
    )
