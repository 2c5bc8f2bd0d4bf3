"""Writes to a person's wardrobe: each one stores files, dispatches tasks, or both."""

import numpy as np
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from closetspace.photos import PhotoError, delete_files, encode_photo, read_photo
from closetspace.queue import enqueue
from recommender import embeddings
from recommender.models import EmbeddingStatus

from .models import WardrobeItem


def item_create(*, user, photo, name="", brand="", category=""):
    """Save a clean copy of `photo` (a decoded image from read_photo) as a new wardrobe item."""
    item = WardrobeItem(user=user, name=name.strip(), brand=brand.strip(), category=category)
    item.full_clean(exclude=["image", "thumbnail"])
    encoded = encode_photo(photo)
    item.image.save("photo.jpg", ContentFile(encoded.photo), save=False)
    item.thumbnail.save("thumb.jpg", ContentFile(encoded.thumbnail), save=False)
    try:
        with transaction.atomic():
            item.save()
            _dispatch_embedding(item.id)
    except BaseException:
        delete_files(item.image.storage, [item.image.name, item.thumbnail.name])
        raise
    return item


@transaction.atomic
def item_update(*, item, name, brand, category):
    """Change an item's details; its embedding includes them, so it is computed again."""
    item.name, item.brand, item.category = name.strip(), brand.strip(), category
    item.status, item.error = EmbeddingStatus.PENDING, ""
    item.full_clean()
    item.save()
    _dispatch_embedding(item.id)
    return item


@transaction.atomic
def item_retry(*, item):
    item.status, item.error = EmbeddingStatus.PENDING, ""
    item.save(update_fields=["status", "error", "updated_at"])
    _dispatch_embedding(item.id)
    return item


@transaction.atomic
def item_delete(*, item):
    storage, names = item.image.storage, [item.image.name, item.thumbnail.name]
    item.delete()
    transaction.on_commit(lambda: delete_files(storage, names))


def item_embed(*, item):
    """Compute and store the item's vector; idempotent. A photo that cannot be read fails the item."""
    version = embeddings.current_version()
    if item.status == EmbeddingStatus.READY and item.encoder_version == version:
        return item
    try:
        with item.image.open("rb") as handle:
            photo = read_photo(handle)
    except FileNotFoundError:
        return _fail(item, "The photo file is missing. Delete this item and upload the photo again.")
    except PhotoError as exc:
        return _fail(item, str(exc))
    vector = embeddings.embed([embeddings.EmbedInput(image=photo, text=item.embedding_text())])[0]
    # An edit made while we computed changes updated_at; its own task will embed it again.
    updated = WardrobeItem.objects.filter(id=item.id, updated_at=item.updated_at).update(
        status=EmbeddingStatus.READY,
        error="",
        embedding=vector.astype(np.float32).tobytes(),
        encoder_version=version,
        embedded_at=timezone.now(),
    )
    if updated:
        item.refresh_from_db()
    return item


def _fail(item, reason):
    WardrobeItem.objects.filter(id=item.id).update(status=EmbeddingStatus.FAILED, error=reason[:500])
    item.status, item.error = EmbeddingStatus.FAILED, reason[:500]
    return item


def _dispatch_embedding(item_id):
    from .tasks import embed_wardrobe_item

    transaction.on_commit(lambda: enqueue(embed_wardrobe_item, item_id))
