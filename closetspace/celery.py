"""The Celery app, its beat schedule, and per-process warm-up of the encoders."""

import os

from celery import Celery
from celery.signals import celeryd_init, worker_process_init

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "closetspace.settings")

app = Celery("closetspace")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@app.on_after_finalize.connect
def add_beat_schedule(sender, **kwargs):
    from django.conf import settings

    sender.conf.beat_schedule = {
        "rebuild-index-when-inventory-changed": {
            "task": "recommender.tasks.rebuild_index",
            "schedule": settings.INDEX_REBUILD_MINUTES * 60.0,
        },
        "embed-stale-products": {
            "task": "recommender.tasks.embed_stale",
            "schedule": settings.INDEX_REBUILD_MINUTES * 60.0,
        },
        "embed-stale-wardrobe-items": {
            "task": "wardrobe.tasks.embed_stale_items",
            "schedule": 60.0,
        },
    }


_worker_concurrency = None


@celeryd_init.connect
def remember_concurrency(sender=None, conf=None, options=None, **kwargs):
    global _worker_concurrency
    _worker_concurrency = (options or {}).get("concurrency") or conf.worker_concurrency


@worker_process_init.connect
def warm_encoders(**kwargs):
    # A child's first task would otherwise spend seconds importing torch and loading weights.
    from recommender import embeddings

    embeddings.configure_threads(worker_concurrency=_worker_concurrency)
    embeddings.get_encoder().warm()
