from django.contrib import admin

from .models import WardrobeItem


@admin.register(WardrobeItem)
class WardrobeItemAdmin(admin.ModelAdmin):
    # Support staff see state, not people's photos.
    list_display = ["id", "user", "name", "brand", "category", "status", "created_at"]
    list_filter = ["status", "category"]
    search_fields = ["user__username", "name", "brand"]
    fields = ["user", "name", "brand", "category", "status", "error", "encoder_version", "embedded_at"]
    readonly_fields = fields

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("user").defer("embedding")

    def has_add_permission(self, request):
        return False
