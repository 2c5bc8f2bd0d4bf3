"""Writes to the inventory and its index: product photos, embeddings, index rebuilds."""

import hashlib
import logging
from pathlib import Path

import numpy as np
from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Count, Max, Sum
from django.utils import timezone

from closetspace.photos import PhotoError, delete_files, encode_photo, read_photo
from closetspace.queue import enqueue

from . import embeddings, index
from .models import EmbeddingStatus, Product

logger = logging.getLogger(__name__)


def product_set_photo(*, product, photo):
    """Store clean copies (photo + thumbnail) of an already-decoded `photo` on `product`."""
    encoded = encode_photo(photo)
    old = [f.name for f in (product.image, product.thumbnail) if f]
    product.image.save("photo.jpg", ContentFile(encoded.photo), save=False)
    product.thumbnail.save("thumb.jpg", ContentFile(encoded.thumbnail), save=False)
    transaction.on_commit(lambda: delete_files(product.image.storage, old))


def product_mark_pending(*, product_ids):
    """Ask for a fresh embedding of these products, and dispatch it once committed."""
    Product.objects.filter(id__in=product_ids).update(status=EmbeddingStatus.PENDING, error="")
    ids = list(product_ids)
    transaction.on_commit(lambda: dispatch_embedding(ids))


def dispatch_embedding(product_ids):
    from .tasks import embed_products  # tasks import this module

    chunk = settings.EMBED_TASK_CHUNK
    for start in range(0, len(product_ids), chunk):
        enqueue(embed_products, product_ids[start : start + chunk])


def products_embed(*, product_ids):
    """Compute and store the embedding of each product; returns how many were embedded.

    Idempotent: products already embedded with the current encoder are skipped.
    """
    version = embeddings.current_version()
    products = list(
        Product.objects.filter(id__in=product_ids).exclude(status=EmbeddingStatus.READY, encoder_version=version)
    )
    if not products:
        return 0
    inputs, notes = [], {}
    for product in products:
        photo = None
        if product.image:
            try:
                with product.image.open("rb") as handle:
                    photo = read_photo(handle)
            except (PhotoError, OSError) as exc:
                notes[product.id] = f"Photo unusable, embedded from its text only: {exc}"
        inputs.append(embeddings.EmbedInput(image=photo, text=product.embedding_text()))
    vectors = embeddings.embed(inputs)
    now = timezone.now()
    for product, vector in zip(products, vectors):
        if not vector.any():
            product.status, product.error = EmbeddingStatus.FAILED, "Nothing to embed: no photo and no text."
            product.embedding = None
        else:
            # A note that the photo could not be fetched stays while the product has no photo.
            kept = product.error if product.image_url and not product.image else ""
            product.status, product.error = EmbeddingStatus.READY, notes.get(product.id, kept)
            product.embedding = vector.astype(np.float32).tobytes()
        product.encoder_version, product.embedded_at = version, now
    Product.objects.bulk_update(
        products, ["status", "error", "embedding", "encoder_version", "embedded_at"], batch_size=500
    )
    return len(products)


def inventory_fingerprint():
    """Changes whenever the set of indexable products or any of their vectors changes."""
    version = embeddings.current_version()
    stats = (
        Product.objects.active()
        .embedded(version)
        .aggregate(n=Count("id"), ids=Sum("id"), last=Max("embedded_at"), updated=Max("updated_at"))
    )
    raw = f"{version}|{stats['n']}|{stats['ids']}|{stats['last']}|{stats['updated']}"
    return hashlib.sha256(raw.encode()).hexdigest()[:16]


def index_is_stale():
    manifest = index.read_manifest()
    return manifest is None or manifest.fingerprint != inventory_fingerprint()


def inventory_is_indexable():
    """Whether there is anything to index: active products embedded by the current encoder."""
    return Product.objects.active().embedded(embeddings.current_version()).exists()


def index_rebuild(*, force=False):
    """Build a new index version if the inventory changed since the current one.

    Returns the new Manifest, or None when nothing needed doing or another build is running.
    """
    try:
        with index.build_lock():
            fingerprint = inventory_fingerprint()
            manifest = index.read_manifest()
            if not force and manifest is not None and manifest.fingerprint == fingerprint and index.is_intact(manifest):
                return None  # up to date and whole; a missing or corrupt version is rebuilt
            version = embeddings.current_version()
            rows = (
                Product.objects.active()
                .embedded(version)
                .order_by("id")
                .values_list("id", "embedding")
                .iterator(chunk_size=2000)
            )
            ids, vectors = [], []
            for product_id, embedding in rows:
                ids.append(product_id)
                vectors.append(np.frombuffer(bytes(embedding), dtype=np.float32))
            matrix = np.vstack(vectors) if vectors else np.zeros((0, embeddings.DIM), np.float32)
            manifest = index.build(matrix, ids, fingerprint=fingerprint, encoder_version=version)
            logger.info(
                "built index %s: %d products in %.1f s", manifest.version, manifest.count, manifest.build_seconds
            )
            return manifest
    except index.IndexBusy:
        logger.info("index build skipped: another build is running")
        return None


def index_for_queries():
    """The current index; on the embedded default, rebuilt first when stale or missing."""
    if settings.INDEX_REBUILD_IN_PROCESS and index_is_stale():
        index_rebuild()
    return index.load_current()


def catalogue_import(*, job):
    """Run an admin-uploaded catalogue import (ImportJob); queue embeddings and photo fetches."""
    import tempfile

    from .catalogue import CatalogueError, import_rows, read_catalogue, unpack_upload
    from .models import ImportJob

    ImportJob.objects.filter(pk=job.pk).update(state=ImportJob.State.RUNNING)
    try:
        with tempfile.TemporaryDirectory() as folder, job.file.open("rb") as upload:
            local = Path(folder) / ("upload" + Path(job.filename).suffix.lower())
            local.write_bytes(upload.read())
            rows, _ = read_catalogue(unpack_upload(local, Path(folder) / "unpacked"))
            ImportJob.objects.filter(pk=job.pk).update(rows=len(rows))
            report = import_rows(rows)
    except CatalogueError as exc:
        ImportJob.objects.filter(pk=job.pk).update(
            state=ImportJob.State.FAILED, message=str(exc), finished_at=timezone.now()
        )
        return
    transaction.on_commit(lambda: dispatch_embedding(report.to_embed))
    transaction.on_commit(lambda: dispatch_photo_fetches(report.to_fetch))
    ImportJob.objects.filter(pk=job.pk).update(
        state=ImportJob.State.DONE,
        created=report.created,
        updated=report.updated,
        unchanged=report.unchanged,
        queued_for_embedding=len(report.to_embed),
        message="\n".join(report.photo_problems[:200]),
        finished_at=timezone.now(),
    )


def dispatch_photo_fetches(product_ids):
    from .tasks import fetch_product_photo

    for product_id in product_ids:
        enqueue(fetch_product_photo, product_id)


def product_fetch_photo(*, product):
    """Fetch the product's photo from its web address, store it and embed the product again.

    Raises PhotoFetchTransient for the task to retry; a final failure is noted on the product,
    which keeps its text-only embedding.
    """
    import io

    from .fetch import PhotoFetchFailed, fetch_photo

    try:
        data = fetch_photo(product.image_url)
        photo = read_photo(io.BytesIO(data), size=len(data))
    except (PhotoFetchFailed, PhotoError) as exc:
        product_photo_unavailable(product=product, reason=str(exc))
        return
    digest = hashlib.sha256(data).hexdigest()
    if product.image and product.image_sha256 == digest:
        return
    with transaction.atomic():
        product_set_photo(product=product, photo=photo)
        product.image_sha256 = digest
        product.save()
        product_mark_pending(product_ids=[product.id])


def product_photo_unavailable(*, product, reason):
    note = f"Photo not fetched from {product.image_url}: {reason}. Embedded from its text only."
    Product.objects.filter(pk=product.pk).update(error=note[:500])
