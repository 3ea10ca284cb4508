"""Settings come from the environment; production refuses unsafe configurations."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

BASE_DIR = Path(__file__).resolve().parent.parent
STRONG_KEY = "k3y-for-tests-only-8f2c1a9e7b6d5c4f3a2b1c0d9e8f7a6b5c4d3e2f1a0b9c8d7e6"


def run_python(code: str, **env_vars: str) -> subprocess.CompletedProcess:
    """Run `code` in a fresh interpreter with only the given firstask variables set."""
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"SECRET_KEY", "DEBUG", "DATABASE_URL", "ALLOWED_HOSTS", "EMAIL_URL", "CI"}
    }
    env |= {"DJANGO_SETTINGS_MODULE": "firstask.settings", "ENV_FILE": os.devnull, **env_vars}
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


SHOW_SETTINGS = """
import json, django
from django.conf import settings
django.setup()
db = settings.DATABASES["default"]
print(json.dumps({
    "engine": db["ENGINE"], "name": str(db["NAME"]), "host": db.get("HOST", ""),
    "debug": settings.DEBUG, "hosts": settings.ALLOWED_HOSTS,
    "mailer": settings.MAILERS["default"], "csrf": settings.CSRF_TRUSTED_ORIGINS,
    "db_options": db.get("OPTIONS", {}),
}))
"""


def test_production_refuses_to_start_without_a_secret_key():
    result = run_python("import django; django.setup()", DEBUG="false")

    assert result.returncode != 0
    assert "SECRET_KEY is not set" in result.stderr


def test_development_starts_without_a_secret_key_on_sqlite_under_var():
    result = run_python(SHOW_SETTINGS, DEBUG="true")

    assert result.returncode == 0, result.stderr
    shown = json.loads(result.stdout)
    assert shown["debug"] is True
    assert shown["engine"] == "django.db.backends.sqlite3"
    assert shown["name"] == str(BASE_DIR / "var" / "firstask.sqlite3")
    assert shown["mailer"] == {
        "BACKEND": "django.core.mail.backends.console.EmailBackend",
        "OPTIONS": {},
    }


def test_database_email_hosts_and_origins_come_from_the_environment():
    result = run_python(
        SHOW_SETTINGS,
        DEBUG="false",
        SECRET_KEY=STRONG_KEY,
        DATABASE_URL="postgres://firstask:secret@db.internal:5432/firstask",
        ALLOWED_HOSTS="firstask.gov.example,10.1.2.3",
        EMAIL_URL="smtp+tls://mailer:secret@mail.gov.example:587",
        CSRF_TRUSTED_ORIGINS="https://firstask.gov.example",
    )

    assert result.returncode == 0, result.stderr
    shown = json.loads(result.stdout)
    assert shown["engine"] == "django.db.backends.postgresql"
    assert (shown["name"], shown["host"]) == ("firstask", "db.internal")
    # JIT off: it added half a second to 10 ms searches at a million cases.
    assert shown["db_options"]["options"] == "-c jit=off"
    assert shown["hosts"] == ["firstask.gov.example", "10.1.2.3"]
    assert shown["mailer"] == {
        "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "OPTIONS": {
            "host": "mail.gov.example",
            "port": 587,
            "username": "mailer",
            "password": "secret",
            "use_tls": True,
            "timeout": 30,
        },
    }
    assert shown["csrf"] == ["https://firstask.gov.example"]


def test_production_settings_pass_the_deployment_checklist():
    result = run_python(
        "import sys; from django.core.management import execute_from_command_line;"
        "execute_from_command_line(['manage.py', 'check', '--deploy', '--fail-level', 'WARNING'])",
        DEBUG="false",
        SECRET_KEY=STRONG_KEY,
        ALLOWED_HOSTS="firstask.gov.example",
    )

    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("TIME_ZONE", "Asia/Shanghai"),
        ("USE_TZ", True),
        ("LANGUAGE_CODE", "zh-hans"),
        ("AUTH_USER_MODEL", "inquiries.User"),
    ],
)
def test_the_office_runs_on_china_time_in_simplified_chinese(name, expected):
    assert getattr(settings, name) == expected


def test_english_is_available_besides_chinese():
    assert [code for code, _name in settings.LANGUAGES] == ["zh-hans", "en"]
