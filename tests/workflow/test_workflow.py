"""Draft, review, publish: Wagtail's workflow configured as the "Release review"."""

from __future__ import annotations

from io import StringIO

from django.core.management import call_command
from django.urls import reverse

from wagtail.models import TaskState, Workflow, WorkflowState
from wagtail.users.models import UserProfile

from news.models import NewsReleasePage
from news.roles import OFFICERS, REVIEWERS
from news.workflow import WORKFLOW_NAME, ensure_release_workflow
from tests.workflow.conftest import body_text, member
from tests.workflow.helpers import client_for, form_data, page_edit_url
from tests.workflow.test_roles import draft_release


def submit(page, user):
    data = form_data(page_edit_url(page), **{"action-submit": "Submit"})
    response = client_for(user).post(page_edit_url(page), data)
    assert response.status_code == 302
    return NewsReleasePage.objects.get(pk=page.pk).current_workflow_task_state


def workflow_action_url(page, action, task_state):
    return reverse(
        "wagtailadmin_pages:workflow_action", args=[page.pk, action, task_state.pk]
    )


def test_every_news_section_has_the_release_review_workflow(editorial):
    # when
    ensure_release_workflow()  # twice: idempotent

    # then
    for language in ("en", "fr"):
        news = editorial.news_in(language)
        workflow = news.get_workflow()
        assert workflow.name == WORKFLOW_NAME
        assert [task.specific.name for task in workflow.tasks] == [
            "Review by the Reviewers"
        ]
        assert list(
            workflow.tasks.get().specific.groups.values_list("name", flat=True)
        ) == [REVIEWERS]


def test_submit_mails_reviewers_and_approve_publishes(editorial, smtp_server):
    # given
    officer = member(OFFICERS, email="officer@example.org")
    reviewer = member(REVIEWERS, email="reviewer@example.org")
    page = draft_release(editorial.news, title="Allies meet intelligence chiefs")

    # when
    task_state = submit(page, officer)

    # then: the reviewer got Wagtail's submission e-mail, over SMTP; the officer did not
    [mail] = smtp_server.to("reviewer@example.org")
    assert "Allies meet intelligence chiefs" in mail["Subject"]
    assert "/admin/pages/%d/edit/" % page.pk in body_text(mail)
    assert smtp_server.to("officer@example.org") == []
    assert NewsReleasePage.objects.get(pk=page.pk).live is False

    # when
    response = client_for(reviewer).post(
        workflow_action_url(page, "approve", task_state)
    )

    # then
    assert response.status_code == 302
    page = NewsReleasePage.objects.get(pk=page.pk)
    assert page.live is True
    assert page.live_revision_id is not None
    assert WorkflowState.objects.get(object_id=str(page.pk)).status == "approved"
    assert client_for(officer).get(page.url).status_code == 200


def test_reject_with_comment_returns_to_author_with_the_comment(editorial, smtp_server):
    # given
    officer = member(OFFICERS, email="officer@example.org")
    reviewer = member(REVIEWERS, email="reviewer@example.org")
    page = draft_release(editorial.news, title="Allies meet intelligence chiefs")
    task_state = submit(page, officer)

    # when
    response = client_for(reviewer).post(
        workflow_action_url(page, "reject", task_state),
        {"comment": "Please add the second quote of the Secretary General."},
    )

    # then
    assert response.status_code == 302
    page = NewsReleasePage.objects.get(pk=page.pk)
    assert page.live is False
    assert page.workflow_in_progress is False
    assert TaskState.objects.get(pk=task_state.pk).status == "rejected"
    [mail] = smtp_server.to("officer@example.org")
    assert "Allies meet intelligence chiefs" in mail["Subject"]
    assert '"Please add the second quote of the Secretary General."' in body_text(mail)
    # and the author can edit and resubmit it
    assert submit(page, officer).status == "in_progress"


def test_reject_without_comment_is_refused(editorial, smtp_server):
    # given
    officer = member(OFFICERS, email="officer@example.org")
    reviewer = member(REVIEWERS, email="reviewer@example.org")
    page = draft_release(editorial.news)
    task_state = submit(page, officer)

    # when: the modal's POST, and the edit view's way of passing the modal's data
    client_for(reviewer).post(
        workflow_action_url(page, "reject", task_state), {"comment": "  "}
    )
    data = form_data(
        page_edit_url(page),
        **{
            "action-workflow-action": "true",
            "workflow-action-name": "reject",
            "workflow-action-extra-data": "{}",
        },
    )
    client_for(reviewer).post(page_edit_url(page), data)

    # then
    assert TaskState.objects.get(pk=task_state.pk).status == "in_progress"
    assert NewsReleasePage.objects.get(pk=page.pk).workflow_in_progress is True
    assert smtp_server.to("officer@example.org") == []


def test_reject_modal_says_a_comment_is_needed_in_french(editorial):
    # given
    officer = member(OFFICERS)
    reviewer = member(REVIEWERS)
    profile = UserProfile.get_for_user(reviewer)
    profile.preferred_language = "fr"
    profile.save()
    page = draft_release(editorial.news)
    task_state = submit(page, officer)

    # when
    response = client_for(reviewer).post(
        workflow_action_url(page, "reject", task_state),
        {"comment": ""},
        headers={"x-requested-with": "XMLHttpRequest"},
    )

    # then
    assert response.status_code == 200
    html = response.json()["html"]
    assert "Écrivez un commentaire\u00a0: l’auteur doit savoir quoi changer." in html
    assert TaskState.objects.get(pk=task_state.pk).status == "in_progress"


def test_officer_cannot_approve_or_reject(editorial):
    # given
    officer = member(OFFICERS)
    page = draft_release(editorial.news)
    task_state = submit(page, member(OFFICERS))

    # when
    approve = client_for(officer).post(workflow_action_url(page, "approve", task_state))
    reject = client_for(officer).post(
        workflow_action_url(page, "reject", task_state), {"comment": "No."}
    )

    # then: Wagtail's "permission denied" (a redirect to the dashboard with a message)
    assert (approve.status_code, approve.url) == (302, "/admin/")
    assert (reject.status_code, reject.url) == (302, "/admin/")
    assert TaskState.objects.get(pk=task_state.pk).status == "in_progress"
    assert NewsReleasePage.objects.get(pk=page.pk).live is False


def test_ensure_editorial_setup_command_sets_up_groups_and_workflow(site_tree):
    # given
    out = StringIO()

    # when
    call_command("ensure_editorial_setup", stdout=out)
    call_command("ensure_editorial_setup", stdout=out)

    # then
    assert (
        out.getvalue().splitlines()
        == [
            "5 groups set up; workflow 'Release review' on 2 news sections.",
        ]
        * 2
    )
    assert Workflow.objects.filter(name=WORKFLOW_NAME).count() == 1
    assert site_tree.news_in("fr").get_workflow().name == WORKFLOW_NAME


def test_rejection_mail_is_in_the_authors_language(editorial, smtp_server):
    # given: a French-speaking officer
    officer = member(OFFICERS, email="agent@example.org")
    profile = UserProfile.get_for_user(officer)
    profile.preferred_language = "fr"
    profile.save()
    reviewer = member(REVIEWERS, email="reviewer@example.org")
    page = draft_release(editorial.news, title="Réunion des Alliés")
    task_state = submit(page, officer)

    # when
    client_for(reviewer).post(
        workflow_action_url(page, "reject", task_state),
        {"comment": "Ajoutez la deuxième citation."},
    )

    # then
    [mail] = smtp_server.to("agent@example.org")
    text = body_text(mail)
    assert "Réunion des Alliés" in mail["Subject"]
    assert "Ajoutez la deuxième citation." in text
    assert "Salut" in text  # Wagtail's French greeting
    assert "Hello" not in text
