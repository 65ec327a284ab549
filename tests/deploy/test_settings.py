"""Production settings refuse to start without what they cannot run safely without."""

import os
import subprocess
import sys

from django.conf import settings

import pytest

from tests.nginx import service_env


def manage(*arguments, **env):
    """manage.py under production settings with exactly this environment."""
    return subprocess.run(
        [sys.executable, "manage.py", *arguments],
        cwd=settings.BASE_DIR,
        env={"PATH": os.environ.get("PATH", ""), **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.fixture
def production(tmp_path):
    """Everything production needs, minus what each test takes away."""
    return {
        **service_env(),
        "DJANGO_SETTINGS_MODULE": "cms.settings.production",
        "SECRET_KEY": "k" * 10
        + "-a-long-random-looking-secret-for-the-deploy-check-0123",
        "ALLOWED_HOSTS": "newsroom.example.org",
        "NEWSROOM_VAR_DIR": str(tmp_path / "var"),
    }


@pytest.mark.parametrize(
    ("missing", "value", "message"),
    [
        ("CELERY_BROKER_URL", None, "CELERY_BROKER_URL is not set. Production needs"),
        ("CACHE_URL", None, "CACHE_URL is not set. Production needs a cache shared"),
        ("CACHE_URL", "locmemcache://", "CACHE_URL must point at Redis (redis:"),
        (
            "ALLAUTH_TRUSTED_PROXY_COUNT",
            None,
            "ALLAUTH_TRUSTED_PROXY_COUNT is not set.",
        ),
        ("ALLAUTH_TRUSTED_PROXY_COUNT", "-1", "ALLAUTH_TRUSTED_PROXY_COUNT must be a"),
    ],
)
def test_production_refuses_to_start_without(production, missing, value, message):
    env = dict(production)
    if value is None:
        del env[missing]
    else:
        env[missing] = value

    result = manage("check", **env)

    assert result.returncode == 1
    assert "django.core.exceptions.ImproperlyConfigured: " + message in result.stderr


def test_check_deploy_gives_no_warning(production):
    result = manage("check", "--deploy", "--fail-level", "WARNING", **production)

    assert (result.returncode, result.stderr) == (0, "")
    assert result.stdout == "System check identified no issues (2 silenced).\n"


def test_hsts_preload_is_the_operators_choice(production):
    result = manage("check", "--deploy", "--fail-level", "WARNING", **production,
                    SECURE_HSTS_PRELOAD="true")  # fmt: skip

    assert result.returncode == 0, result.stderr
    assert result.stdout == "System check identified no issues (1 silenced).\n"


def test_elasticsearch_url_leaves_wagtails_search_on_the_database(production):
    result = manage(
        "shell",
        "--no-imports",
        "-c",
        "from django.conf import settings; "
        "from wagtail.search.backends import get_search_backend; "
        "print(settings.WAGTAILSEARCH_BACKENDS); "
        "print(type(get_search_backend()).__module__)",
        **production,
        ELASTICSEARCH_URL="http://127.0.0.1:9",
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [
        "{'default': {'BACKEND': 'wagtail.search.backends.database'}}",
        "modelsearch.backends.database.fallback",  # SQLite here: no DATABASE_URL
    ]
