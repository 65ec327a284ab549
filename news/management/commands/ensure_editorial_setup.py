from django.core.management.base import BaseCommand

from news.roles import ensure_roles
from news.workflow import ensure_release_workflow


class Command(BaseCommand):
    help = "Create or repair the press office groups, their permissions and the release review workflow."

    def handle(self, *args, **options):
        groups = ensure_roles()
        workflow = ensure_release_workflow()
        self.stdout.write(
            "%d groups set up; workflow %r on %d news sections."
            % (len(groups), workflow.name, workflow.workflow_pages.count())
        )
