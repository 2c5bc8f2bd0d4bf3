"""What /healthz reports: database, broker and index, each `ok` or what is wrong."""

import time

from django.conf import settings
from django.db import connection


def check_database():
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        return {"ok": True}
    except Exception as exc:  # any driver error means "down"
        return {"ok": False, "error": str(exc)[:200]}


def check_broker():
    if settings.CELERY_TASK_ALWAYS_EAGER:
        return {"ok": True, "mode": "in-process"}
    from closetspace.celery import app

    try:
        with app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, timeout=2)
        return {"ok": True, "mode": "broker"}
    except Exception as exc:  # kombu raises a variety of connection errors
        return {"ok": False, "mode": "broker", "error": str(exc)[:200]}


def check_index():
    """The index is reported, not required: pages still work (with a message) without it."""
    from recommender import index, services

    manifest = index.read_manifest()
    if manifest is None:
        return {"ok": False, "error": "no index yet", "indexable": services.inventory_is_indexable()}
    report = {
        "ok": index.is_intact(manifest),
        "version": manifest.version,
        "products": manifest.count,
        "age_seconds": round(time.time() - manifest.built_at),
    }
    if not report["ok"]:
        report["error"] = "the current version's files are missing or corrupt; the next rebuild repairs them"
    return report


def report():
    database = check_database()
    checks = {"database": database, "broker": check_broker()}
    checks["index"] = check_index() if database["ok"] else {"ok": False, "error": "database down"}
    healthy = checks["database"]["ok"] and checks["broker"]["ok"]
    return healthy, checks
