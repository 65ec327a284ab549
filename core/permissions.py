"""Only superusers delete: releases, translations, videos, speakers and topics.

Wagtail lets anyone with "change" delete (a page's "change" permission, a collection's "change"
on media); the press office's roles say that nobody but a superuser deletes. Pages use
`SuperuserDeletesPageMixin` (every delete path asks the page's permission tester: the action
menu, the listing buttons, the delete view, the bulk action); models registered with
`register_permission_policy` use a policy with `SuperuserDeletesPolicyMixin` (snippet and
wagtailmedia views, their buttons and bulk actions). `core.wagtail_hooks` refuses deletion by
anyone else again at the views, whatever the model.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db import router
from django.db.models.deletion import Collector, ProtectedError, RestrictedError
from django.utils.translation import gettext as _

from wagtail.models import PagePermissionTester


DELETE = "delete"


def may_delete(user) -> bool:
    return bool(user.is_active and user.is_superuser)


def _without_delete(user, actions) -> set[str]:
    actions = set(actions)
    if not may_delete(user):
        actions.discard(DELETE)
    return actions


class SuperuserDeletesPolicyMixin:
    """Mix into a Wagtail permission policy: "delete" is granted to active superusers only."""

    def user_has_permission(self, user, action):
        if action == DELETE and not may_delete(user):
            return False
        return super().user_has_permission(user, action)

    def user_has_any_permission(self, user, actions):
        allowed = _without_delete(user, actions)
        return bool(allowed) and super().user_has_any_permission(user, allowed)

    def user_has_permission_for_instance(self, user, action, instance):
        if action == DELETE and not may_delete(user):
            return False
        return super().user_has_permission_for_instance(user, action, instance)

    def user_has_any_permission_for_instance(self, user, actions, instance):
        allowed = _without_delete(user, actions)
        return bool(allowed) and super().user_has_any_permission_for_instance(
            user, allowed, instance
        )

    def instances_user_has_any_permission_for(self, user, actions):
        allowed = _without_delete(user, actions)
        if not allowed:
            return self.model._default_manager.none()
        return super().instances_user_has_any_permission_for(user, allowed)

    def instances_user_has_permission_for(self, user, action):
        return self.instances_user_has_any_permission_for(user, {action})

    def users_with_any_permission(self, actions):
        if set(actions) == {DELETE}:
            return get_user_model().objects.filter(is_active=True, is_superuser=True)
        return super().users_with_any_permission(set(actions) - {DELETE} or actions)

    def users_with_permission(self, action):
        return self.users_with_any_permission({action})


class SuperuserDeletesPageTester(PagePermissionTester):
    def can_delete(self, ignore_bulk=False):
        return may_delete(self.user) and super().can_delete(ignore_bulk=ignore_bulk)


class SuperuserDeletesPageMixin:
    """Mix into a page model: only superusers may delete it (and so its translations)."""

    def permissions_for_user(self, user):
        return SuperuserDeletesPageTester(user, self)


def protected_usage(objects) -> list[str]:
    """What stops `objects` from being deleted (protected references), as labels for people.

    A reference from a release's child row (a quote, a topic, a linked video) is named by the
    release and its language. Empty when the objects can be deleted.
    """
    objects = list(objects)
    if not objects:
        return []
    collector = Collector(using=router.db_for_write(type(objects[0])))
    try:
        collector.collect(objects)
    except ProtectedError as error:
        blocking = error.protected_objects
    except RestrictedError as error:
        blocking = error.restricted_objects
    else:
        return []
    labels = []
    for obj in blocking:
        owner = getattr(obj, "page", None) or obj
        label = _("“%(title)s”") % {"title": str(owner)}
        locale = getattr(owner, "locale", None)
        if locale is not None:
            label = _("%(title)s (%(language)s)") % {
                "title": label,
                "language": locale.get_display_name(),
            }
        if label not in labels:
            labels.append(label)
    return labels


def superuser_deletes_policy(model, base_class=None, **kwargs):
    """A policy for `model` like `base_class` (default: model permissions), minus deletion.

    Only superusers delete. Register it with `register_permission_policy`.
    """
    from wagtail.permission_policies import ModelPermissionPolicy

    base_class = base_class or ModelPermissionPolicy
    policy_class = type(
        "SuperuserDeletes%s" % base_class.__name__,
        (SuperuserDeletesPolicyMixin, base_class),
        {},
    )
    return policy_class(model, **kwargs)
