"""How `make test` shares the modules between its processes: longest first, each handed out late.

pytest-xdist's `--dist loadscope` keeps a module's tests in one process (its module fixtures
run once) and hands out the modules in order. It gives a process its next module as soon as
two of its tests are left, so a process on a long test (a browser journey, a real worker)
holds modules the other process, idle, could have run: the two ended 17 to 33 s apart.
Here a process gets its next module when its last test is left, the soonest it can
(pytest-xdist runs a test only once it knows the next one, for the fixtures' teardown).

This extends pytest-xdist 3.8's `LoadScopeScheduling` through its private `_reschedule`,
`_pending_of` and `_assign_work_unit`: the version is pinned (requirements-dev.txt), and
tests/test_scheduling.py fails on a version without them.
"""

from __future__ import annotations

from xdist.scheduler import LoadScopeScheduling


# Modules that take longest (5-55 s each: ffmpeg, Chromium, real workers and servers), longest
# first, measured with --durations. The short ones fill in behind them, so that neither process
# finishes a long module alone at the end. A stale list only costs a less even split.
LONGEST_FIRST = (
    "media_assets/test_clipping_engine.py",
    "media_assets/test_part_browser.py",
    "media_assets/test_upload_browser.py",
    "accounts/test_browser_flow.py",
    "pages/test_phone_width.py",
    "deploy/test_throttle.py",
    "media_assets/test_processing.py",
    "media_assets/test_clips_worker.py",
    "workflow/test_roles.py",
    "search/test_api_schemathesis.py",
    "media_assets/test_lost_jobs.py",
    "media_assets/test_clips.py",
    "workflow/test_editor_browser.py",
    "media_assets/test_admin.py",
    "downloads/test_serving_servers.py",
    "downloads/test_browser_panel.py",
    "media_assets/test_worker.py",
    "workflow/test_translations.py",
    "media_assets/test_kept_upload.py",
    "media_assets/test_hardening.py",
    "deploy/test_settings.py",
    "workflow/test_deletion.py",
    "test_setup_commands.py",
    "pages/test_browser.py",
    "downloads/test_downloads.py",
    "workflow/test_workflow.py",
    "media_assets/test_part_serving.py",
    "deploy/test_uploads.py",
    "workflow/test_translator_experience.py",
    "pages/test_release_page.py",
    "workflow/test_beat_worker.py",
    "reports/test_french_and_queries.py",
    "reports/test_browser.py",
    "deploy/test_nginx.py",
    "workflow/test_editor_help.py",
    "pages/test_make_run.py",
)


def longest_first(item) -> int:
    """The item's place: its module's in LONGEST_FIRST, the others after, in their order."""
    path = item.nodeid.split("::")[0].removeprefix("tests/")
    return LONGEST_FIRST.index(path) if path in LONGEST_FIRST else len(LONGEST_FIRST)


class LateLoadScopeScheduling(LoadScopeScheduling):
    """`--dist loadscope`, a process getting its next module only on its last test."""

    def _reschedule(self, node) -> None:
        if node.shutting_down:
            return
        if not self.workqueue:
            node.shutdown()
            return
        if self._pending_of(self.assigned_work[node]) > 1:
            return
        self._assign_work_unit(node)
