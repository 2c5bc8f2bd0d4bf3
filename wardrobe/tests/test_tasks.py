from datetime import timedelta

import pytest
from django.utils import timezone

from closetspace.tests.factories import photo_bytes
from recommender.models import EmbeddingStatus
from wardrobe import tasks
from wardrobe.models import WardrobeItem


@pytest.fixture
def stored_item(user):
    from django.core.files.base import ContentFile

    item = WardrobeItem(user=user)
    item.image.save("p.jpg", ContentFile(photo_bytes()), save=False)
    item.thumbnail.save("t.jpg", ContentFile(photo_bytes()), save=False)
    item.save()
    return item


def test_the_sweep_embeds_items_whose_message_was_lost(stored_item):
    WardrobeItem.objects.filter(pk=stored_item.pk).update(updated_at=timezone.now() - timedelta(minutes=10))
    tasks.embed_stale_items()
    stored_item.refresh_from_db()
    assert stored_item.status == EmbeddingStatus.READY


def test_the_sweep_leaves_items_that_were_just_saved_to_their_own_task(stored_item):
    tasks.embed_stale_items()
    stored_item.refresh_from_db()
    assert stored_item.status == EmbeddingStatus.PENDING


def test_the_sweep_re_embeds_items_of_an_older_encoder(stored_item):
    tasks.embed_wardrobe_item(stored_item.pk)
    WardrobeItem.objects.filter(pk=stored_item.pk).update(encoder_version="old")
    tasks.embed_stale_items()
    stored_item.refresh_from_db()
    assert stored_item.status == EmbeddingStatus.READY and stored_item.encoder_version != "old"


def test_the_task_is_idempotent_and_ignores_deleted_items(stored_item):
    tasks.embed_wardrobe_item(stored_item.pk)
    stored_item.refresh_from_db()
    first = (stored_item.embedded_at, bytes(stored_item.embedding))
    tasks.embed_wardrobe_item(stored_item.pk)
    stored_item.refresh_from_db()
    assert (stored_item.embedded_at, bytes(stored_item.embedding)) == first
    stored_item.delete()
    tasks.embed_wardrobe_item(stored_item.pk)  # gone: returns quietly
