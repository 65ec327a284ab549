"""Admin views the workflow needs that Wagtail and wagtail-localize do not provide."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _

from wagtail.models import Page
from wagtail_localize.models import Translation

from news.workflow import submit_translation_for_review


def submit_translation_for_review_view(request, page_id: int):
    """Save a synced translation as a draft and start its workflow (wagtail-localize's editor can't)."""
    page = get_object_or_404(Page, pk=page_id).specific
    if not page.permissions_for_user(request.user).can_edit():
        raise PermissionDenied
    translation = Translation.objects.filter(
        source__object_id=page.translation_key,
        target_locale_id=page.locale_id,
        enabled=True,
    ).first()
    if translation is None or page.get_workflow() is None:
        raise Http404
    if request.method == "POST":
        if page.workflow_in_progress:
            messages.error(
                request, _("This translation is already waiting for review.")
            )
        else:
            submit_translation_for_review(translation, user=request.user)
            messages.success(
                request,
                _("“%(title)s” has been submitted for review.")
                % {"title": page.get_admin_display_title()},
            )
        return redirect("wagtailadmin_pages:edit", page.pk)
    return TemplateResponse(
        request,
        "news/admin/submit_translation_for_review.html",
        {
            "page": page,
            "header_title": _("Submit the translation for review"),
            "page_title": _("Submit the translation for review"),
        },
    )
