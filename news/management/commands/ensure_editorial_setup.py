from django.core.management.base import BaseCommand

from news.roles import ensure_roles
from news.workflow import ensure_release_workflow


class Command(BaseCommand):
    help = (
        "Create the press office groups, their permissions and the release review workflow "
        "where missing, and report what managers changed since. Existing groups and "
        "workflows are changed back only with --fix."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--fix",
            action="store_true",
            help="Put existing groups, permissions and the workflow back as the roles "
            "table says (undoes changes made in the admin).",
        )

    def handle(self, *args, fix=False, **options):
        drift: list[str] = []
        groups = ensure_roles(fix=fix, drift=drift)
        workflow = ensure_release_workflow(fix=fix, drift=drift)
        self.stdout.write(
            "%d groups set up; workflow %r on %d news sections."
            % (len(groups), workflow.name, workflow.workflow_pages.count())
        )
        if drift:
            self.stdout.write(
                self.style.WARNING(
                    "Changed since the set-up (kept; run with --fix to undo):"
                )
            )
            for line in drift:
                self.stdout.write("  %s" % line)
