"""The press office's groups (a first version; the workflow issue refines permissions)."""

from __future__ import annotations

from django.contrib.auth.models import Group, Permission


OFFICERS = "Communications officers"
REVIEWERS = "Reviewers"
TRANSLATORS_FR = "Translators (fr)"
TRANSLATORS_EN = "Translators (en)"
MANAGERS = "Press office managers"

ALL_GROUPS = [OFFICERS, REVIEWERS, TRANSLATORS_FR, TRANSLATORS_EN, MANAGERS]


def ensure_roles() -> dict[str, Group]:
    """Create the groups, each with access to the Wagtail admin. Idempotent."""
    admin_access = Permission.objects.get(
        content_type__app_label="wagtailadmin", codename="access_admin"
    )
    groups = {}
    for name in ALL_GROUPS:
        group, _created = Group.objects.get_or_create(name=name)
        group.permissions.add(admin_access)
        groups[name] = group
    return groups
