"""The "Release review" workflow: Reviewers approve or request changes on every locale's news section."""

from __future__ import annotations

from django import forms
from django.contrib.auth.models import Group
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from wagtail.forms import TaskStateCommentForm
from wagtail.models import Task, Workflow, WorkflowPage, WorkflowState, WorkflowTask

from core.translation import save_translation_draft
from news.roles import REVIEWERS


WORKFLOW_NAME = "Release review"
TASK_NAME = "Review by the Reviewers"


class RejectionCommentForm(TaskStateCommentForm):
    comment = forms.CharField(
        label=_("Comment"),
        help_text=_(
            "Say what needs to change: the author receives this comment by e-mail."
        ),
        widget=forms.Textarea({"rows": 3}),
        error_messages={
            "required": _("Write a comment: the author needs to know what to change.")
        },
    )


@transaction.atomic
def ensure_release_workflow(
    *, fix: bool = False, drift: list[str] | None = None
) -> Workflow:
    """Create what is missing of the review workflow; report (or, with `fix`, undo) changes.

    The task, the workflow and their link are created when missing, and the workflow goes on each
    locale's news section that has none. What managers changed in the admin (the task's groups,
    the workflow's tasks, a section given another workflow, something deactivated) is described
    in `drift` and kept, unless `fix` is true. Idempotent; run it again when a locale's news
    section is added.
    """
    from news.models import NewsIndexPage, ReleaseReviewTask

    drift = [] if drift is None else drift
    reviewers, _created = Group.objects.get_or_create(name=REVIEWERS)
    task = ReleaseReviewTask.objects.filter(name=TASK_NAME).first()
    if task is None:
        task = ReleaseReviewTask.objects.create(name=TASK_NAME)
        task.groups.set([reviewers])
    elif not task.active or set(task.groups.all()) != {reviewers}:
        if fix:
            task.active = True
            task.save(update_fields=["active"])
            task.groups.set([reviewers])
        else:
            drift.append(
                "Task “%s”: %s, approved by %s (expected: active, approved by %s)"
                % (
                    TASK_NAME,
                    "active" if task.active else "inactive",
                    ", ".join(sorted(g.name for g in task.groups.all())) or "nobody",
                    REVIEWERS,
                )
            )

    workflow = Workflow.objects.filter(name=WORKFLOW_NAME).first()
    if workflow is None:
        workflow = Workflow.objects.create(name=WORKFLOW_NAME)
        WorkflowTask.objects.create(workflow=workflow, task=task, sort_order=0)
    else:
        tasks = list(
            WorkflowTask.objects.filter(workflow=workflow)
            .order_by("sort_order")
            .values_list("task_id", flat=True)
        )
        if not workflow.active or tasks != [task.pk]:
            if fix:
                workflow.active = True
                workflow.save(update_fields=["active"])
                WorkflowTask.objects.filter(workflow=workflow).exclude(
                    task=task
                ).delete()
                WorkflowTask.objects.get_or_create(
                    workflow=workflow, task=task, defaults={"sort_order": 0}
                )
            else:
                names = Task.objects.in_bulk(tasks)
                drift.append(
                    "Workflow “%s”: %s, tasks %s (expected: active, tasks “%s”)"
                    % (
                        WORKFLOW_NAME,
                        "active" if workflow.active else "inactive",
                        ", ".join("“%s”" % names[pk].name for pk in tasks) or "none",
                        TASK_NAME,
                    )
                )

    for news_index in NewsIndexPage.objects.select_related("locale"):
        assigned = WorkflowPage.objects.filter(page=news_index).first()
        if assigned is None:
            WorkflowPage.objects.create(page=news_index, workflow=workflow)
        elif assigned.workflow_id != workflow.pk:
            if fix:
                assigned.workflow = workflow
                assigned.save(update_fields=["workflow"])
            else:
                drift.append(
                    "News section “%s” (%s) has the workflow “%s”, not “%s”"
                    % (
                        news_index.title,
                        news_index.locale.language_code,
                        assigned.workflow.name,
                        WORKFLOW_NAME,
                    )
                )
    return workflow


@transaction.atomic
def submit_translation_for_review(translation, *, user) -> WorkflowState:
    """Save the translation's current strings as a draft of the target page and start its workflow.

    A translated release thus goes through the same review as its source before it goes live.
    """
    page = save_translation_draft(translation, user=user)
    workflow = page.get_workflow()
    if workflow is None:
        raise ValueError("No workflow applies to %r." % page)
    return workflow.start(page, user)
