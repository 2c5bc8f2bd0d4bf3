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


def test_an_upload_succeeds_and_stays_pending_while_the_broker_is_down(
    alice_client, user, django_capture_on_commit_callbacks
):
    from django.urls import reverse

    from closetspace.celery import app
    from wardrobe.tests.test_upload import upload_data

    saved = app.conf.task_always_eager, app.conf.broker_url
    app.conf.task_always_eager, app.conf.broker_url = False, "redis://127.0.0.1:1/0"  # nothing listens there
    try:
        with django_capture_on_commit_callbacks(execute=True):
            response = alice_client.post(reverse("wardrobe:upload"), upload_data(("a.jpg", photo_bytes())))
    finally:
        app.conf.task_always_eager, app.conf.broker_url = saved
    assert response.status_code == 302
    item = WardrobeItem.objects.get(user=user)
    assert item.status == EmbeddingStatus.PENDING
    # The broker is back: the sweep sends the task again once the item has been quiet long enough.
    WardrobeItem.objects.filter(pk=item.pk).update(updated_at=timezone.now() - timedelta(minutes=10))
    tasks.embed_stale_items()
    item.refresh_from_db()
    assert item.status == EmbeddingStatus.READY
