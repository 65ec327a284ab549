"""Set-up commands never overwrite real data: the demo seed's guard, site and drift reporting."""

from __future__ import annotations

from io import StringIO

from django.contrib.auth.models import Group, Permission
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import override_settings

from wagtail.models import (
    GroupPagePermission,
    Page,
    Site,
    Task,
    Workflow,
    WorkflowPage,
    WorkflowTask,
)

import pytest

from accounts.models import User
from home.models import HomePage
from news.models import ReleaseReviewTask
from news.roles import MANAGERS, OFFICERS, REVIEWERS
from news.workflow import TASK_NAME, WORKFLOW_NAME


@pytest.mark.parametrize(
    ("debug", "arguments"),
    [(True, []), (False, ["--demo"]), (False, [])],
    ids=["no flag", "debug off", "neither"],
)
def test_seed_demo_refuses_a_database_that_is_not_a_demo(db, debug, arguments):
    # given
    pages = Page.objects.count()

    # when
    with override_settings(DEBUG=debug), pytest.raises(CommandError) as refused:
        call_command("seed_demo", "--no-video", *arguments, stdout=StringIO())

    # then: nothing was created
    assert str(refused.value) == (
        "seed_demo creates demo users (one a superuser, with passwords written under "
        "var/) and demo content: it runs only on a demo database, with DEBUG on and "
        "--demo given. Nothing was changed."
    )
    assert (Page.objects.count(), User.objects.count()) == (pages, 0)


def test_seed_demo_keeps_root_pages_and_the_site_it_did_not_make(
    fresh_database, settings, tmp_path
):
    # given: a site someone configured, on a home page of their own
    settings.VAR_DIR = tmp_path
    root = Page.get_first_root_node()
    theirs = root.add_child(instance=Page(title="Intranet", slug="intranet"))
    Site.objects.all().delete()
    Site.objects.create(
        hostname="news.example.org", port=443, root_page=theirs, is_default_site=True
    )

    # when
    with override_settings(DEBUG=True):
        call_command("seed_demo", "--demo", "--no-video", stdout=StringIO())

    # then: their page and site are as they were; the demo home is beside them
    assert Page.objects.filter(pk=theirs.pk, title="Intranet").count() == 1
    assert list(
        Site.objects.values_list("hostname", "port", "root_page_id", "is_default_site")
    ) == [("news.example.org", 443, theirs.pk, True)]
    assert HomePage.objects.filter(depth=2).count() == 2


def test_seed_demo_replaces_only_wagtails_welcome_page(
    fresh_database, settings, tmp_path
):
    # given: a fresh database (Wagtail's welcome page and its localhost site)
    settings.VAR_DIR = tmp_path
    [welcome] = Page.get_first_root_node().get_children()

    # when
    with override_settings(DEBUG=True):
        call_command("seed_demo", "--demo", "--no-video", stdout=StringIO())

    # then
    assert welcome.title == "Welcome to your new Wagtail site!"
    assert not Page.objects.filter(pk=welcome.pk).exists()
    # the welcome page's site went with it; the new one is at the configured address
    site = Site.objects.get()
    assert (site.hostname, site.root_page.specific_class) == ("testserver", HomePage)


def managers_changes(site_tree):
    """What a manager might change in the admin after the set-up."""
    officers = Group.objects.get(name=OFFICERS)
    officers.permissions.remove(
        Permission.objects.get(
            content_type__app_label="media_assets", codename="add_video"
        )
    )
    GroupPagePermission.objects.create(
        group=officers, page=site_tree.news, permission_type="publish"
    )
    task = ReleaseReviewTask.objects.get(name=TASK_NAME)
    task.groups.add(Group.objects.get(name=MANAGERS))
    legal = Task.objects.create(name="Legal check")
    WorkflowTask.objects.create(
        workflow=Workflow.objects.get(name=WORKFLOW_NAME), task=legal, sort_order=1
    )


def state():
    officers = Group.objects.get(name=OFFICERS)
    return (
        sorted(officers.permissions.values_list("codename", flat=True)),
        sorted(
            GroupPagePermission.objects.filter(group=officers).values_list(
                "page__locale__language_code", "permission__codename"
            )
        ),
        sorted(
            ReleaseReviewTask.objects.get(name=TASK_NAME).groups.values_list(
                "name", flat=True
            )
        ),
        list(
            WorkflowTask.objects.filter(workflow__name=WORKFLOW_NAME)
            .order_by("sort_order")
            .values_list("task__name", flat=True)
        ),
    )


def test_editorial_setup_reports_what_managers_changed_and_keeps_it(site_tree):
    # given
    call_command("ensure_editorial_setup", stdout=StringIO())
    managers_changes(site_tree)
    changed = state()
    out = StringIO()

    # when: `make setup` runs again
    call_command("ensure_editorial_setup", stdout=out)

    # then: reported, not undone
    assert out.getvalue().splitlines() == [
        "5 groups set up; workflow 'Release review' on 2 news sections.",
        "Changed since the set-up (kept; run with --fix to undo):",
        "  Communications officers: lacks media_assets.add_video",
        "  Communications officers: holds publish_page on page “News releases”, "
        "which the table does not give",
        "  Task “Review by the Reviewers”: active, approved by Press office managers, "
        "Reviewers (expected: active, approved by Reviewers)",
        "  Workflow “Release review”: active, tasks “Review by the Reviewers”, "
        "“Legal check” (expected: active, tasks “Review by the Reviewers”)",
    ]
    assert state() == changed
    assert changed[2] == [MANAGERS, REVIEWERS]


def test_editorial_setup_with_fix_puts_the_table_back(site_tree):
    # given
    call_command("ensure_editorial_setup", stdout=StringIO())
    managers_changes(site_tree)
    out = StringIO()

    # when
    call_command("ensure_editorial_setup", "--fix", stdout=out)
    call_command("ensure_editorial_setup", stdout=out)

    # then
    assert (
        out.getvalue().splitlines()
        == ["5 groups set up; workflow 'Release review' on 2 news sections."] * 2
    )
    assert state() == (
        ["access_admin", "add_speaker", "add_topic", "add_video", "change_speaker",
         "change_topic", "change_video", "submit_translation"],
        [(language, codename) for language in ("en", "fr")
         for codename in ("add_page", "change_page", "lock_page")],
        [REVIEWERS],
        [TASK_NAME],
    )  # fmt: skip


def test_editorial_setup_gives_a_new_news_section_its_workflow_and_permissions(
    site_tree,
):
    # given: the set-up ran before the French section existed
    french_news = site_tree.news_in("fr")
    call_command("ensure_editorial_setup", stdout=StringIO())
    WorkflowPage.objects.filter(page=french_news).delete()
    GroupPagePermission.objects.filter(page=french_news).delete()
    out = StringIO()

    # when
    call_command("ensure_editorial_setup", stdout=out)

    # then: what is missing is created, without any drift to report
    assert out.getvalue().splitlines() == [
        "5 groups set up; workflow 'Release review' on 2 news sections."
    ]
    assert french_news.get_workflow().name == WORKFLOW_NAME
    assert sorted(
        GroupPagePermission.objects.filter(
            page=french_news, group__name=OFFICERS
        ).values_list("permission__codename", flat=True)
    ) == ["add_page", "change_page", "lock_page"]
