"""The Celery app and per-process warm-up of the encoders (the beat schedule is in settings)."""

import os

from celery import Celery
from celery.signals import celeryd_init, worker_process_init

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "closetspace.settings")

app = Celery("closetspace")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


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
