import shutil
import subprocess
from io import StringIO
from pathlib import Path

from django.conf import settings
from django.core.management import call_command

import pytest


def test_system_checks_pass():
    out = StringIO()
    call_command("check", stdout=out)
    assert "System check identified no issues" in out.getvalue()


@pytest.mark.django_db
def test_models_have_their_migrations():
    # makemigrations --check exits with an error when a model change has no migration.
    call_command("makemigrations", "--check", "--dry-run", verbosity=0)


@pytest.mark.skipif(
    shutil.which("msgfmt") is None, reason="gettext's msgfmt is not installed"
)
def test_french_catalogue_is_complete():
    for po in Path(settings.BASE_DIR, "locale", "fr", "LC_MESSAGES").glob("*.po"):
        result = subprocess.run(
            ["msgfmt", "--check", "--statistics", "-o", "/dev/null", str(po)],
            capture_output=True,
            text=True,
            check=True,
        )
        assert "untranslated" not in result.stderr
        assert "fuzzy" not in result.stderr
        assert "translated message" in result.stderr
