from __future__ import annotations

from urllib.parse import urlencode

from django import template
from django.conf import settings
from django.urls import reverse

from accounts.adapters import is_site_path


register = template.Library()


@register.inclusion_tag("accounts/includes/field.html")
def form_field(field, autofocus=False):
    """A labelled field with its help text and errors tied to the input for screen readers."""
    described_by = []
    if field.help_text:
        described_by.append("%s_helptext" % field.auto_id)
    if field.errors:
        described_by.append("%s_errors" % field.auto_id)
    attrs = {}
    if described_by:
        attrs["aria-describedby"] = " ".join(described_by)
    if field.errors:
        attrs["aria-invalid"] = "true"
    if autofocus:
        attrs["autofocus"] = True
    return {"field": field, "widget": field.as_widget(attrs=attrs)}


@register.filter
def site_path(value):
    """`value` if it is a path on this site, else an empty string (never an outside URL)."""
    return value if is_site_path(value) else ""


@register.simple_tag
def password_reset_url(return_to=None):
    """The "forgot password" link; the reset ends on a page that leads back to `return_to`."""
    done = reverse("account_password_reset_completed")
    if is_site_path(return_to):
        done = "%s?%s" % (done, urlencode({"next": return_to}))
    return "%s?%s" % (reverse("account_reset_password"), urlencode({"next": done}))


@register.simple_tag
def resend_wait_seconds():
    """How long a person waits between two "send a new code"."""
    return settings.NEWSROOM_CODE_RESEND_WAIT_SECONDS
