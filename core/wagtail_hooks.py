"""Deletion in the admin: superusers only, and never a 500 for something still in use."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.templatetags.static import static
from django.urls import reverse
from django.utils.html import format_html, json_script
from django.utils.translation import gettext
from django.utils.translation import gettext as _

from wagtail import hooks

from core.permissions import may_delete, protected_usage


@hooks.register("before_delete_page")
def refuse_page_deletion(request, page):
    # The page's permission tester already says no; this also closes page types without it.
    if not may_delete(request.user):
        raise PermissionDenied


@hooks.register("before_bulk_action")
def refuse_bulk_deletion(request, action_type, objects, action_class_instance):
    if action_type == "delete" and not may_delete(request.user):
        raise PermissionDenied


@hooks.register("before_delete_snippet")
def refuse_snippet_deletion(request, instances):
    """Single and bulk snippet deletion (videos, speakers, topics), on GET and POST."""
    if not may_delete(request.user):
        raise PermissionDenied
    for instance in instances:
        users = protected_usage([instance])
        if users:
            # Instead of a ProtectedError (a 500): say what still uses it.
            messages.error(
                request,
                _(
                    "“%(object)s” cannot be deleted because it is still used by "
                    "%(users)s. Remove it from there first."
                )
                % {"object": str(instance), "users": ", ".join(users)},
            )
            viewset = type(instance).snippet_viewset
            return redirect(reverse(viewset.get_url_name("list")))
    return None


@hooks.register("insert_editor_js")
def announce_errors_on_hidden_tabs():
    """An error on a tab that is not shown is announced in the error banner, with a link to it."""
    text = {
        "one": gettext("1 error on the “{tab}” tab"),
        "many": gettext("{count} errors on the “{tab}” tab"),
    }
    return format_html(
        '{}<script src="{}"></script>',
        json_script(text, "tab-errors-text"),
        static("js/tab-errors.js"),
    )
