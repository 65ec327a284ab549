from django.core.management.base import BaseCommand, CommandError

from accounts.services import anonymise_accounts


class Command(BaseCommand):
    help = (
        "Replace journalists' e-mail addresses, names and passwords with placeholders "
        "and drop all sessions. For staging copies of the production database only."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--yes-this-is-a-copy",
            action="store_true",
            help="Confirm that this database is a copy, not production.",
        )

    def handle(self, *args, **options):
        if not options["yes_this_is_a_copy"]:
            raise CommandError(
                "Refusing to run without --yes-this-is-a-copy: this rewrites every "
                "journalist account."
            )
        count = anonymise_accounts()
        self.stdout.write("Anonymised %d journalist account(s)." % count)
