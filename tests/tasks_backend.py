"""django_tasks for the tests: every task runs at once, but Wagtail's own two index updates.

Every save of a page, video, speaker or topic enqueues Wagtail's admin-search index update
(modelsearch) and its reference-index update: about a quarter of the time of a test that
builds releases, for two indexes that only the admin's search and "usage" pages read. Other
tasks (an image's file deleted after its row, its focal point) run as in production.
Tests marked `wagtail_indexes` keep the immediate backend (tests/conftest.py).
"""

from django_tasks.backends.dummy import DummyBackend
from django_tasks.backends.immediate import ImmediateBackend


NOT_RUN = {
    "modelsearch.tasks.insert_or_update_object_task",
    "wagtail.tasks.update_reference_index_task",
}


class WithoutWagtailIndexes(ImmediateBackend):
    def __init__(self, alias, params):
        super().__init__(alias, params)
        self.not_run = DummyBackend(alias, params)

    def enqueue(self, task, args, kwargs):
        if task.module_path in NOT_RUN:
            result = self.not_run.enqueue(task, args, kwargs)
            self.not_run.clear()
            return result
        return super().enqueue(task, args, kwargs)


WITHOUT_WAGTAIL_INDEXES = {
    "default": {"BACKEND": "tests.tasks_backend.WithoutWagtailIndexes"}
}
