"""The press office's groups and exactly what each may do.

| group | may |
| --- | --- |
| Communications officers | create and edit releases, speakers, topics, videos and shot lists; submit releases for review; never publish or unpublish |
| Reviewers | everything officers may, plus approve (publish or schedule) and reject with a comment |
| Translators (fr), Translators (en) | translate into their own language only; no publishing |
| Press office managers | the above plus reports and user management |

Model permissions say *what* a group may touch; page permissions (granted on each language's tree)
and `news.locale_access` say *where*: a translator's snippet and translation permissions are
narrowed to translations into the translator's own locale.
"""

from __future__ import annotations

from django.contrib.auth.models import Group, Permission
from django.db import transaction
from django.db.models import Q

from wagtail.models import (
    Collection,
    GroupCollectionPermission,
    GroupPagePermission,
    Locale,
    Page,
)


OFFICERS = "Communications officers"
REVIEWERS = "Reviewers"
TRANSLATORS_FR = "Translators (fr)"
TRANSLATORS_EN = "Translators (en)"
MANAGERS = "Press office managers"

ALL_GROUPS = [OFFICERS, REVIEWERS, TRANSLATORS_FR, TRANSLATORS_EN, MANAGERS]

# The language each translator group works in. Members of no editorial group are limited to
# these locales (see allowed_locales and news.locale_access).
TRANSLATOR_LOCALES = {TRANSLATORS_FR: "fr", TRANSLATORS_EN: "en"}
EDITORIAL_GROUPS = [OFFICERS, REVIEWERS, MANAGERS]

# Model permissions, as "app_label.codename". Nobody but a superuser deletes.
_RECORDS = [
    "news.add_speaker",
    "news.change_speaker",
    "news.add_topic",
    "news.change_topic",
    "media_assets.add_video",
    "media_assets.change_video",
]
_TRANSLATED_RECORDS = [
    "news.change_speaker",
    "news.change_topic",
    "media_assets.change_video",
]
_COMMON = ["wagtailadmin.access_admin", "wagtail_localize.submit_translation"]
MODEL_PERMISSIONS = {
    OFFICERS: [*_COMMON, *_RECORDS],
    REVIEWERS: [*_COMMON, *_RECORDS],
    TRANSLATORS_FR: [*_COMMON, *_TRANSLATED_RECORDS],
    TRANSLATORS_EN: [*_COMMON, *_TRANSLATED_RECORDS],
    MANAGERS: [
        *_COMMON,
        *_RECORDS,
        "accounts.add_user",
        "accounts.change_user",
        "accounts.delete_user",
        "accounts.view_user",
    ],
}
# Reports: managers get every "view_*" permission of these apps (videos, downloads, ...).
MANAGER_REPORT_APPS = ["media_assets"]

# Page permissions, on the news index of every locale (translators: on their locale's tree).
# Without "publish", Wagtail offers "Submit for review" only and refuses a direct publish.
_PUBLISHING = ["add_page", "change_page", "lock_page", "publish_page", "unlock_page"]
PAGE_PERMISSIONS = {
    OFFICERS: ["add_page", "change_page", "lock_page"],
    REVIEWERS: _PUBLISHING,
    MANAGERS: _PUBLISHING,
    TRANSLATORS_FR: ["change_page"],
    TRANSLATORS_EN: ["change_page"],
}

# Images (speaker photos, posters) and wagtailmedia's own views go by collection.
_LIBRARY = [
    "wagtailimages.add_image",
    "wagtailimages.choose_image",
    "wagtailmedia.add_media",
    "wagtailmedia.change_media",
]
COLLECTION_PERMISSIONS = {
    OFFICERS: _LIBRARY,
    REVIEWERS: _LIBRARY,
    MANAGERS: _LIBRARY,
    # The video library's edit view (a snippet view of wagtailmedia's model) checks these.
    TRANSLATORS_FR: ["wagtailimages.choose_image", "wagtailmedia.change_media"],
    TRANSLATORS_EN: ["wagtailimages.choose_image", "wagtailmedia.change_media"],
}


def _permissions(names: list[str]) -> list[Permission]:
    query = Q(pk__in=[])
    for name in names:
        app_label, codename = name.split(".")
        query |= Q(content_type__app_label=app_label, codename=codename)
    found = list(Permission.objects.filter(query).select_related("content_type"))
    missing = set(names) - {f"{p.content_type.app_label}.{p.codename}" for p in found}
    if missing:
        raise LookupError("Unknown permissions: %s" % ", ".join(sorted(missing)))
    return found


def _page_roots(group_name: str) -> list[Page]:
    """Where a group's page permissions apply: each news index, or a translator's locale tree."""
    from news.models import NewsIndexPage

    language = TRANSLATOR_LOCALES.get(group_name)
    if language is None:
        return list(NewsIndexPage.objects.all())
    locale = Locale.objects.filter(language_code=language).first()
    if locale is None:
        return []
    # The top of the locale's tree (its home page), so its news index and releases come with it.
    return list(Page.objects.filter(depth=2, locale=locale))


@transaction.atomic
def ensure_roles(
    *, fix: bool = False, drift: list[str] | None = None
) -> dict[str, Group]:
    """Create what is missing of the table above; report (or, with `fix`, undo) any difference.

    A missing group is created with exactly its permissions, and a group gets its page
    permissions on a news section (or locale tree) where it has none yet, so run it again once the
    site tree exists or gains a locale. Anything else that differs from the table (permissions a
    manager added or removed in the admin) is described in `drift` and left as it is, unless
    `fix` is true. Idempotent.
    """
    drift = [] if drift is None else drift
    groups = {}
    root_collection = Collection.get_first_root_node()
    for name in ALL_GROUPS:
        group, created = Group.objects.get_or_create(name=name)
        groups[name] = group
        repair = fix or created

        wanted = _permissions(MODEL_PERMISSIONS[name])
        if name == MANAGERS:
            wanted += list(
                Permission.objects.filter(
                    content_type__app_label__in=MANAGER_REPORT_APPS,
                    codename__startswith="view_",
                )
            )
        held = set(group.permissions.select_related("content_type"))
        if held != set(wanted):
            if repair:
                group.permissions.set(wanted)
            else:
                drift += _differences(name, set(wanted), held, _label)

        page_permissions = _permissions(
            ["wagtailcore.%s" % codename for codename in PAGE_PERMISSIONS[name]]
        )
        roots = _page_roots(name)
        held_pages = {
            (grant.page_id, grant.permission_id): grant
            for grant in GroupPagePermission.objects.filter(group=group).select_related(
                "page", "permission"
            )
        }
        wanted_pages = {}
        for page in roots:
            new_root = not any(page_id == page.pk for page_id, _p in held_pages)
            for permission in page_permissions:
                key = (page.pk, permission.pk)
                wanted_pages[key] = (page, permission)
                if key not in held_pages and (repair or new_root):
                    GroupPagePermission.objects.create(
                        group=group, page=page, permission=permission
                    )
                    held_pages[key] = None
        missing = [wanted_pages[key] for key in wanted_pages if key not in held_pages]
        extra = [grant for key, grant in held_pages.items() if key not in wanted_pages]
        if repair:
            GroupPagePermission.objects.filter(pk__in=[g.pk for g in extra]).delete()
        else:
            drift += [
                "%s: lacks %s on page “%s”" % (name, permission.codename, page)
                for page, permission in missing
            ] + [
                "%s: holds %s on page “%s”, which the table does not give"
                % (name, grant.permission.codename, grant.page)
                for grant in extra
            ]

        wanted_collection = set(
            _permissions(COLLECTION_PERMISSIONS[name]) if root_collection else []
        )
        held_collection = {
            (grant.collection_id, grant.permission): grant
            for grant in GroupCollectionPermission.objects.filter(
                group=group
            ).select_related("permission__content_type")
        }
        wanted_keys = (
            {(root_collection.pk, permission) for permission in wanted_collection}
            if root_collection
            else set()
        )
        if set(held_collection) != wanted_keys:
            if repair:
                GroupCollectionPermission.objects.filter(
                    pk__in=[
                        grant.pk
                        for key, grant in held_collection.items()
                        if key not in wanted_keys
                    ]
                ).delete()
                for _collection_id, permission in wanted_keys - set(held_collection):
                    GroupCollectionPermission.objects.create(
                        group=group, collection=root_collection, permission=permission
                    )
            else:
                drift += _differences(
                    name,
                    {permission for _c, permission in wanted_keys},
                    {permission for _c, permission in held_collection},
                    lambda permission: "%s on collections" % _label(permission),
                )
    return groups


def _label(permission: Permission) -> str:
    return "%s.%s" % (permission.content_type.app_label, permission.codename)


def _differences(name, wanted, held, label) -> list[str]:
    return [
        "%s: lacks %s" % (name, label(permission))
        for permission in sorted(wanted - held, key=label)
    ] + [
        "%s: holds %s, which the table does not give" % (name, label(permission))
        for permission in sorted(held - wanted, key=label)
    ]


def allowed_locales(user) -> set[str] | None:
    """The language codes a user may edit in, or None when the user is not limited.

    Superusers and members of an editorial group (officers, reviewers, managers) are not limited;
    someone who is only a translator may edit translations into the translator groups' languages.
    """
    if not user.is_authenticated or user.is_superuser:
        return None
    cache_name = "_newsroom_allowed_locales"
    if not hasattr(user, cache_name):
        names = set(user.groups.values_list("name", flat=True))
        if names & set(EDITORIAL_GROUPS) or not names & set(TRANSLATOR_LOCALES):
            value = None
        else:
            value = {
                TRANSLATOR_LOCALES[name] for name in names if name in TRANSLATOR_LOCALES
            }
        setattr(user, cache_name, value)
    return getattr(user, cache_name)
