import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def load_settings(**env):
    clean = {k: v for k, v in os.environ.items() if k not in ("SECRET_KEY", "DEBUG", "DATABASE_URL", "REDIS_URL")}
    code = (
        "import closetspace.settings as s; "
        "print(s.DEBUG, s.DATABASES['default']['ENGINE'], s.CELERY_TASK_ALWAYS_EAGER, s.MEDIA_ROOT)"
    )
    return subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env={**clean, **env}, capture_output=True, text=True, timeout=60
    )


def test_without_debug_a_secret_key_is_required():
    result = load_settings(DEBUG="0")
    assert result.returncode != 0 and "SECRET_KEY must be set when DEBUG is off" in result.stderr


def test_the_embedded_default_is_sqlite_with_tasks_in_process():
    result = load_settings(DEBUG="1")
    assert result.stdout.split()[:3] == ["True", "django.db.backends.sqlite3", "True"]


def test_the_environment_picks_postgres_redis_and_the_media_folder(tmp_path):
    result = load_settings(
        SECRET_KEY="x", DATABASE_URL="postgres://u@db:5432/c", REDIS_URL="redis://r:6379/0", MEDIA_ROOT=str(tmp_path)
    )
    assert result.stdout.split() == ["False", "django.db.backends.postgresql", "False", str(tmp_path)]


@pytest.mark.parametrize("name, value", [("DEBUG", "maybe"), ("UPLOAD_MAX_BYTES", "lots"), ("EMBED_IMAGE_WEIGHT", "2")])
def test_a_bad_value_stops_the_app_naming_the_variable(name, value):
    result = load_settings(SECRET_KEY="x", **{name: value})
    assert result.returncode != 0 and name in result.stderr
