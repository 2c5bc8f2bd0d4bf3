"""The wardrobe's JSON API: thin views over the same services as the pages."""

from django.shortcuts import get_object_or_404
from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import generics, serializers, status
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from closetspace.photos import PhotoError, read_photo

from . import services
from .models import Category, WardrobeItem


class ItemOutput(serializers.ModelSerializer):
    image_url = serializers.SerializerMethodField()
    thumbnail_url = serializers.SerializerMethodField()

    class Meta:
        model = WardrobeItem
        fields = [
            "id",
            "name",
            "brand",
            "category",
            "image_url",
            "thumbnail_url",
            "status",
            "error",
            "created_at",
            "updated_at",
        ]

    def get_image_url(self, item) -> str:
        return self.context["request"].build_absolute_uri(reverse("wardrobe:item-photo", args=[item.id]))

    def get_thumbnail_url(self, item) -> str:
        return self.context["request"].build_absolute_uri(reverse("wardrobe:item-thumb", args=[item.id]))


class ItemDetailsInput(serializers.Serializer):
    name = serializers.CharField(max_length=120, required=False, allow_blank=True, default="")
    brand = serializers.CharField(max_length=120, required=False, allow_blank=True, default="")
    category = serializers.ChoiceField(choices=Category.choices, required=False, allow_blank=True, default="")


@extend_schema_field(OpenApiTypes.BINARY)
class PhotoField(serializers.FileField):
    """An uploaded file, documented as binary (a plain FileField is documented as a URI)."""


class ItemCreateInput(ItemDetailsInput):
    image = PhotoField()

    def validate_image(self, upload):
        try:
            upload.photo = read_photo(upload, size=upload.size)
        except PhotoError as exc:
            raise serializers.ValidationError(str(exc)) from None
        return upload


def _get_item_for_user(request, pk):
    return get_object_or_404(WardrobeItem.objects.for_user(request.user), pk=pk)


class ItemListApi(generics.ListAPIView):
    parser_classes = [MultiPartParser, FormParser]
    serializer_class = ItemOutput

    def get_queryset(self):
        return WardrobeItem.objects.for_user(self.request.user)

    @extend_schema(request=ItemCreateInput, responses={201: ItemOutput})
    def post(self, request):
        data = ItemCreateInput(data=request.data)
        data.is_valid(raise_exception=True)
        fields = data.validated_data
        item = services.item_create(
            user=request.user,
            photo=fields["image"].photo,
            name=fields["name"],
            brand=fields["brand"],
            category=fields["category"],
        )
        item.refresh_from_db()
        return Response(ItemOutput(item, context={"request": request}).data, status=status.HTTP_201_CREATED)


class ItemDetailApi(APIView):
    parser_classes = [JSONParser, MultiPartParser, FormParser]

    @extend_schema(responses=ItemOutput)
    def get(self, request, pk):
        item = _get_item_for_user(request, pk)
        return Response(ItemOutput(item, context={"request": request}).data)

    @extend_schema(request=ItemDetailsInput, responses=ItemOutput)
    def patch(self, request, pk):
        item = _get_item_for_user(request, pk)
        data = ItemDetailsInput(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        changes = {key: data.validated_data[key] for key in ("name", "brand", "category") if key in request.data}
        current = {"name": item.name, "brand": item.brand, "category": item.category}
        services.item_update(item=item, **{**current, **changes})
        item.refresh_from_db()
        return Response(ItemOutput(item, context={"request": request}).data)

    @extend_schema(responses={204: None})
    def delete(self, request, pk):
        services.item_delete(item=_get_item_for_user(request, pk))
        return Response(status=status.HTTP_204_NO_CONTENT)


class ItemRetryApi(APIView):
    @extend_schema(request=None, responses=ItemOutput)
    def post(self, request, pk):
        item = services.item_retry(item=_get_item_for_user(request, pk))
        item.refresh_from_db()
        return Response(ItemOutput(item, context={"request": request}).data)
