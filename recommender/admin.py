from django import forms
from django.contrib import admin, messages
from django.db import models, transaction
from django.utils.html import format_html

from closetspace.photos import PhotoError, delete_files, read_photo

from . import services
from .models import EmbeddingStatus, Product

# What goes into a product's vector: its photo and the fields of Product.embedding_text.
EMBEDDED_FIELDS = {"image", "name", "brand", "category", "gender", "colour", "description"}


class ProductForm(forms.ModelForm):
    def clean_image(self):
        upload = self.cleaned_data.get("image")
        if upload and hasattr(upload, "content_type"):  # a new upload, not the stored file
            try:
                upload.photo = read_photo(upload, size=upload.size)
            except PhotoError as exc:
                raise forms.ValidationError(str(exc)) from None
        return upload


@admin.register(Product)
class ProductAdmin(admin.ModelAdmin):
    form = ProductForm
    list_display = ["photo", "name", "brand", "category", "gender", "price", "is_active", "embedding_state"]
    list_display_links = ["photo", "name"]
    list_filter = ["status", "is_active", "gender", "category"]
    search_fields = ["name", "brand", "external_id", "url"]
    list_editable = ["is_active"]
    list_per_page = 50
    readonly_fields = ["status", "error", "encoder_version", "embedded_at", "created_at", "updated_at"]
    fieldsets = [
        (None, {"fields": ["name", "brand", "category", "gender", "colour", "description", "price", "url"]}),
        ("Photo", {"fields": ["image"]}),
        ("Inventory", {"fields": ["is_active", "external_id"]}),
        ("Embedding", {"fields": ["status", "error", "encoder_version", "embedded_at", "created_at", "updated_at"]}),
    ]
    actions = ["reembed", "activate", "deactivate"]
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}

    def get_queryset(self, request):
        return super().get_queryset(request).defer("embedding", "description")

    @admin.display(description="")
    def photo(self, product):
        if not product.thumbnail:
            return "—"
        return format_html(
            '<img src="{}" alt="" width="48" height="64" style="object-fit:cover">', product.thumbnail.url
        )

    @admin.display(description="embedding", ordering="status")
    def embedding_state(self, product):
        if product.status == EmbeddingStatus.FAILED:
            return format_html('<span title="{}">failed</span>', product.error)
        return product.get_status_display().lower()

    def save_model(self, request, obj, form, change):
        with transaction.atomic():
            upload = form.cleaned_data.get("image")
            if upload is False or (not upload and "image" in form.changed_data):
                # Photo cleared: its files go too, once the change is committed.
                storage, old = obj.thumbnail.storage, [f.name for f in (form.initial.get("image"), obj.thumbnail) if f]
                transaction.on_commit(lambda: delete_files(storage, old))
                obj.thumbnail = None
            elif upload is not None and hasattr(upload, "photo"):
                obj.image = form.initial.get("image") or None
                services.product_set_photo(product=obj, photo=upload.photo)
            obj.save()
            # A new price or taking a product off sale (in the list, too) leaves its vector as it is.
            if not change or EMBEDDED_FIELDS & set(form.changed_data) or obj.status != EmbeddingStatus.READY:
                services.product_mark_pending(product_ids=[obj.id])

    @admin.action(description="Re-embed the selected products")
    def reembed(self, request, queryset):
        ids = list(queryset.values_list("id", flat=True))
        services.product_mark_pending(product_ids=ids)
        self.message_user(request, f"Re-embedding {len(ids)} product(s).", messages.SUCCESS)

    @admin.action(description="Activate the selected products")
    def activate(self, request, queryset):
        self.message_user(request, f"Activated {queryset.update(is_active=True)} product(s).", messages.SUCCESS)

    @admin.action(description="Deactivate the selected products")
    def deactivate(self, request, queryset):
        self.message_user(request, f"Deactivated {queryset.update(is_active=False)} product(s).", messages.SUCCESS)
