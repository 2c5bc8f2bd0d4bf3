import uuid

from django.conf import settings
from django.db import models

from recommender.models import Embedded, EmbeddingStatus


class Category(models.TextChoices):
    TOP = "top", "Top / T-shirt"
    SHIRT = "shirt", "Shirt / blouse"
    KNITWEAR = "knitwear", "Sweater / hoodie"
    JACKET = "jacket", "Jacket / coat"
    DRESS = "dress", "Dress / jumpsuit"
    SKIRT = "skirt", "Skirt"
    TROUSERS = "trousers", "Trousers / jeans"
    SHORTS = "shorts", "Shorts"
    SHOES = "shoes", "Shoes"
    BAG = "bag", "Bag"
    ACCESSORY = "accessory", "Accessory"
    OTHER = "other", "Other"


def item_photo_path(instance, filename):
    return f"wardrobe/{instance.user_id}/{uuid.uuid4().hex}.jpg"


def item_thumbnail_path(instance, filename):
    return f"wardrobe/{instance.user_id}/thumbs/{uuid.uuid4().hex}.jpg"


class WardrobeItemQuerySet(models.QuerySet):
    def for_user(self, user):
        return self.filter(user=user)

    def ready(self, encoder_version):
        return self.filter(status=EmbeddingStatus.READY, encoder_version=encoder_version)


class WardrobeItem(Embedded):
    """A piece of clothing a person owns, with its photo."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="items")
    image = models.ImageField(upload_to=item_photo_path)
    thumbnail = models.ImageField(upload_to=item_thumbnail_path)
    name = models.CharField(max_length=120, blank=True)
    brand = models.CharField(max_length=120, blank=True)
    category = models.CharField(max_length=20, choices=Category.choices, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = WardrobeItemQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return self.display_name

    @property
    def display_name(self):
        if self.name:
            return self.name
        if self.category:
            return self.get_category_display().split(" / ")[0].lower()
        return "item in this photo"

    def embedding_text(self):
        parts = [self.name, self.brand, self.get_category_display() if self.category else ""]
        return ". ".join(part.strip() for part in parts if part and part.strip())
