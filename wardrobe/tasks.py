"""Thin, idempotent Celery tasks for the wardrobe."""

from datetime import timedelta

from celery import shared_task
from django.conf import settings
from django.db import OperationalError
from django.utils import timezone

from closetspace.queue import enqueue
from recommender import embeddings
from recommender.models import EmbeddingStatus

from . import services
from .models import WardrobeItem


@shared_task(acks_late=True, autoretry_for=(OperationalError,), retry_backoff=True, max_retries=5)
def embed_wardrobe_item(item_id):
    item = WardrobeItem.objects.filter(id=item_id).first()
    if item is None:
        return  # deleted before we got to it
    services.item_embed(item=item)


@shared_task
def embed_stale_items():
    """Re-dispatch items whose message was lost (the broker was down when they were saved),
    and items embedded by an older encoder version."""
    quiet_since = timezone.now() - timedelta(seconds=settings.STALE_PENDING_SECONDS)
    pending = WardrobeItem.objects.filter(status=EmbeddingStatus.PENDING, updated_at__lt=quiet_since)
    outdated = WardrobeItem.objects.filter(status=EmbeddingStatus.READY).exclude(
        encoder_version=embeddings.current_version()
    )
    for item_id in (pending | outdated).values_list("id", flat=True):
        enqueue(embed_wardrobe_item, item_id)
