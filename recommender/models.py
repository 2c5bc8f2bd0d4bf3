import uuid

import numpy as np
from django.db import models


class EmbeddingStatus(models.TextChoices):
    PENDING = "pending", "Processing"
    READY = "ready", "Ready"
    FAILED = "failed", "Failed"


class Embedded(models.Model):
    """Fields shared by everything that carries an embedding vector."""

    status = models.CharField(
        max_length=10, choices=EmbeddingStatus.choices, default=EmbeddingStatus.PENDING, db_index=True
    )
    error = models.CharField(max_length=500, blank=True)
    embedding = models.BinaryField(null=True, blank=True, editable=False)
    encoder_version = models.CharField(max_length=64, blank=True, editable=False)
    embedded_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        abstract = True

    @property
    def vector(self):
        if self.embedding is None:
            return None
        return np.frombuffer(bytes(self.embedding), dtype=np.float32)


def product_image_path(instance, filename):
    return f"products/{uuid.uuid4().hex}.jpg"


def product_thumbnail_path(instance, filename):
    return f"products/thumbs/{uuid.uuid4().hex}.jpg"


class ProductQuerySet(models.QuerySet):
    def active(self):
        return self.filter(is_active=True)

    def embedded(self, encoder_version):
        return self.filter(status=EmbeddingStatus.READY, encoder_version=encoder_version)


class Product(Embedded):
    """An item of the shop's inventory, curated in the admin."""

    name = models.CharField(max_length=300)
    brand = models.CharField(max_length=120, blank=True, db_index=True)
    category = models.CharField(max_length=120, blank=True, db_index=True)
    gender = models.CharField("gender / department", max_length=40, blank=True, db_index=True)
    colour = models.CharField(max_length=60, blank=True)
    description = models.TextField(blank=True)
    price = models.DecimalField(max_digits=10, decimal_places=2, null=True, blank=True)
    url = models.URLField("shop URL", max_length=1000, blank=True)
    image = models.ImageField(upload_to=product_image_path, blank=True)
    thumbnail = models.ImageField(upload_to=product_thumbnail_path, blank=True, editable=False)
    # The catalogue photo's hash, so a re-import leaves an unchanged photo alone.
    image_sha256 = models.CharField(max_length=64, blank=True, editable=False)
    image_url = models.URLField(
        "photo web address", max_length=1000, blank=True, help_text="Where the catalogue's photo is fetched from."
    )
    is_active = models.BooleanField("active", default=True, db_index=True)
    external_id = models.CharField(
        max_length=200, unique=True, null=True, blank=True, help_text="The catalogue's own id."
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True, db_index=True)

    objects = ProductQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        # Lets the admin page through 100,000 products newest first without sorting them all.
        indexes = [models.Index(fields=["-created_at", "-id"], name="product_newest_first")]

    def __str__(self):
        return self.name

    def embedding_text(self):
        parts = [self.name, self.brand, self.category, self.gender, self.colour, self.description[:500]]
        return ". ".join(part.strip() for part in parts if part and part.strip())


class ImportJob(models.Model):
    """A catalogue uploaded in the admin, imported in the background."""

    class State(models.TextChoices):
        QUEUED = "queued", "Queued"
        RUNNING = "running", "Importing"
        DONE = "done", "Imported"
        FAILED = "failed", "Failed"

    file = models.FileField(upload_to="imports/")
    filename = models.CharField(max_length=255)
    state = models.CharField(max_length=10, choices=State.choices, default=State.QUEUED)
    rows = models.PositiveIntegerField(default=0)
    created = models.PositiveIntegerField(default=0)
    updated = models.PositiveIntegerField(default=0)
    unchanged = models.PositiveIntegerField(default=0)
    queued_for_embedding = models.PositiveIntegerField(default=0)
    message = models.TextField(blank=True)
    created_by = models.ForeignKey("auth.User", null=True, blank=True, on_delete=models.SET_NULL)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.filename} ({self.get_state_display().lower()})"
