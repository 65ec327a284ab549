"""The "Release review" workflow: Reviewers approve or request changes on every locale's news section."""

from __future__ import annotations

from django import forms
from django.contrib.auth.models import Group
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from wagtail.forms import TaskStateCommentForm
from wagtail.models import Workflow, WorkflowPage, WorkflowState, WorkflowTask

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
def ensure_release_workflow() -> Workflow:
    """Create (or repair) the workflow and put it on the news index of every locale. Idempotent.

    Run it after the site tree exists and again whenever a locale's news index is added.
    """
    from news.models import NewsIndexPage, ReleaseReviewTask

    reviewers, _created = Group.objects.get_or_create(name=REVIEWERS)
    task = ReleaseReviewTask.objects.filter(name=TASK_NAME).first()
    if task is None:
        task = ReleaseReviewTask.objects.create(name=TASK_NAME)
    if not task.active:
        task.active = True
        task.save(update_fields=["active"])
    task.groups.set([reviewers])

    workflow, _created = Workflow.objects.get_or_create(name=WORKFLOW_NAME)
    if not workflow.active:
        workflow.active = True
        workflow.save(update_fields=["active"])
    WorkflowTask.objects.filter(workflow=workflow).exclude(task=task).delete()
    WorkflowTask.objects.get_or_create(
        workflow=workflow, task=task, defaults={"sort_order": 0}
    )

    for news_index in NewsIndexPage.objects.all():
        WorkflowPage.objects.update_or_create(
            page=news_index, defaults={"workflow": workflow}
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
