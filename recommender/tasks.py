"""Thin, idempotent Celery tasks: take ids, call the service."""

from datetime import timedelta

from celery import shared_task
from django.utils import timezone
from django.conf import settings
from django.db import OperationalError

from . import services
from .models import EmbeddingStatus, Product


@shared_task(acks_late=True, autoretry_for=(OperationalError,), retry_backoff=True, max_retries=5)
def embed_products(product_ids):
    return services.products_embed(product_ids=product_ids)


@shared_task(acks_late=True)
def rebuild_index(force=False):
    manifest = services.index_rebuild(force=force)
    return manifest.version if manifest else None


@shared_task
def embed_stale():
    """Re-dispatch products left pending (a lost message) or embedded by an older encoder."""
    from . import embeddings

    version = embeddings.current_version()
    quiet_since = timezone.now() - timedelta(seconds=settings.STALE_PENDING_SECONDS)
    pending = Product.objects.filter(status=EmbeddingStatus.PENDING, updated_at__lt=quiet_since)
    outdated = Product.objects.filter(status=EmbeddingStatus.READY).exclude(encoder_version=version)
    services.dispatch_embedding(list((pending | outdated).values_list("id", flat=True)))


@shared_task(acks_late=True)
def import_catalogue(job_id):
    from .models import ImportJob

    # A redelivered message (the worker died mid-import) runs again: the import is idempotent.
    job = ImportJob.objects.filter(pk=job_id, state__in=[ImportJob.State.QUEUED, ImportJob.State.RUNNING]).first()
    if job is None:
        return  # deleted, or finished by an earlier delivery
    services.catalogue_import(job=job)


@shared_task(bind=True, acks_late=True)
def fetch_product_photo(self, product_id):
    from .fetch import PhotoFetchTransient

    product = Product.objects.filter(pk=product_id).exclude(image_url="").first()
    if product is None:
        return
    try:
        services.product_fetch_photo(product=product)
    except PhotoFetchTransient as exc:
        if self.request.retries >= settings.IMAGE_FETCH_RETRIES:
            services.product_photo_unavailable(product=product, reason=f"{exc}, {self.request.retries + 1} tries")
            return
        retry = self.retry(countdown=min(60, 2 ** (self.request.retries + 1)), exc=exc, throw=False)
        if self.request.is_eager:  # in-process tasks: Celery would re-raise instead of retrying
            retry.sig.apply(retries=self.request.retries + 1)
