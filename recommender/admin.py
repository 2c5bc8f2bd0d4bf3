from django import forms
from django.contrib import admin, messages
from django.db import models, transaction
from django.shortcuts import redirect
from django.urls import path
from django.utils.html import format_html

from closetspace.photos import PhotoError, delete_files, read_photo
from closetspace.queue import enqueue

from . import services
from .models import EmbeddingStatus, ImportJob, Product
from .tasks import import_catalogue, rebuild_index

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
    list_filter = ["status", "is_active", "gender", "category", "brand"]
    show_full_result_count = False  # no second COUNT(*) over the whole inventory per page
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

    def get_urls(self):
        extra = [path("rebuild-index/", self.admin_site.admin_view(self.rebuild_index_view), name="rebuild-index")]
        return extra + super().get_urls()

    def rebuild_index_view(self, request):
        if request.method != "POST" or not self.has_change_permission(request):
            return redirect("admin:recommender_product_changelist")
        if enqueue(rebuild_index, True):
            self.message_user(request, "Rebuilding the index now; new products appear in picks when it is done.")
        else:
            self.message_user(request, "The task queue is unreachable; try again shortly.", messages.ERROR)
        return redirect("admin:recommender_product_changelist")

    def delete_model(self, request, obj):
        self.delete_queryset(request, Product.objects.filter(pk=obj.pk))

    def delete_queryset(self, request, queryset):
        with transaction.atomic():
            storage = Product._meta.get_field("image").storage
            files = [name for pair in queryset.values_list("image", "thumbnail") for name in pair if name]
            queryset.delete()
            transaction.on_commit(lambda: delete_files(storage, files))

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


class ImportJobForm(forms.ModelForm):
    class Meta:
        model = ImportJob
        fields = ["file"]
        help_texts = {
            "file": "A catalogue .csv (styles.csv or url,title,description) or .jsonl, "
            "or a .zip of one .csv with its photos."
        }

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith((".csv", ".jsonl", ".zip")):
            raise forms.ValidationError("Upload a .csv or .jsonl catalogue, or a .zip holding one .csv and its photos.")
        return upload


@admin.register(ImportJob)
class ImportJobAdmin(admin.ModelAdmin):
    form = ImportJobForm
    list_display = ["filename", "state", "rows", "created", "updated", "unchanged", "embedding", "created_at"]
    readonly_fields = [
        "filename",
        "state",
        "rows",
        "created",
        "updated",
        "unchanged",
        "queued_for_embedding",
        "embedding",
        "message",
        "created_by",
        "created_at",
        "finished_at",
    ]

    def get_fields(self, request, obj=None):
        return ["file"] if obj is None else self.readonly_fields

    def has_change_permission(self, request, obj=None):
        return False  # a job is a record of what happened: viewed, never edited

    @admin.display(description="embedding")
    def embedding(self, job):
        if job.state != ImportJob.State.DONE or not job.queued_for_embedding:
            return "—"
        pending = Product.objects.filter(status=EmbeddingStatus.PENDING).count()
        return f"{pending} product(s) still being embedded" if pending else "all embedded"

    def save_model(self, request, obj, form, change):
        obj.filename, obj.created_by = form.cleaned_data["file"].name, request.user
        obj.save()
        transaction.on_commit(lambda: enqueue(import_catalogue, obj.pk))
