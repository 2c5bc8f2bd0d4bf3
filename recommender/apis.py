"""The inventory's JSON API: products, recommendations and search."""

from django.conf import settings
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from .models import Product
from .recommend import recommend, search


class ProductOutput(serializers.ModelSerializer):
    image_url = serializers.SerializerMethodField()
    thumbnail_url = serializers.SerializerMethodField()

    class Meta:
        model = Product
        fields = [
            "id",
            "name",
            "brand",
            "category",
            "gender",
            "colour",
            "price",
            "url",
            "external_id",
            "image_url",
            "thumbnail_url",
        ]

    def get_image_url(self, product) -> str | None:
        return self._absolute(product.image)

    def get_thumbnail_url(self, product) -> str | None:
        return self._absolute(product.thumbnail)

    def _absolute(self, file):
        return self.context["request"].build_absolute_uri(file.url) if file else None


class BecauseOutput(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField(source="display_name")


class PickOutput(serializers.Serializer):
    product = ProductOutput()
    similarity = serializers.FloatField()
    because = BecauseOutput(allow_null=True)


class RecommendationsOutput(serializers.Serializer):
    state = serializers.CharField(
        help_text="ok, no_items, processing, no_ready_items, no_inventory or index_unavailable"
    )
    pending_items = serializers.IntegerField()
    results = PickOutput(many=True, source="picks")


class LimitInput(serializers.Serializer):
    limit = serializers.IntegerField(min_value=1, max_value=settings.RECOMMEND_MAX, required=False)


class SearchInput(LimitInput):
    q = serializers.CharField(max_length=200, trim_whitespace=True)


class ProductListApi(generics.ListAPIView):
    serializer_class = ProductOutput

    def get_queryset(self):
        products = Product.objects.active().defer("embedding")
        for field in ("category", "gender", "brand"):
            if value := self.request.query_params.get(field):
                products = products.filter(**{f"{field}__iexact": value})
        return products


class ProductDetailApi(generics.RetrieveAPIView):
    serializer_class = ProductOutput
    queryset = Product.objects.active().defer("embedding")


class RecommendationsApi(APIView):
    @extend_schema(parameters=[LimitInput], responses=RecommendationsOutput)
    def get(self, request):
        params = LimitInput(data=request.query_params)
        params.is_valid(raise_exception=True)
        result = recommend(user=request.user, limit=params.validated_data.get("limit"))
        return Response(RecommendationsOutput(result, context={"request": request}).data)


class SearchApi(APIView):
    @extend_schema(
        parameters=[OpenApiParameter("q", str, required=True), OpenApiParameter("limit", int)],
        responses=PickOutput(many=True),
    )
    def get(self, request):
        params = SearchInput(data=request.query_params)
        params.is_valid(raise_exception=True)
        picks = search(query=params.validated_data["q"], limit=params.validated_data.get("limit", 5))
        return Response(
            {
                "query": params.validated_data["q"],
                "results": PickOutput(picks, many=True, context={"request": request}).data,
            }
        )
