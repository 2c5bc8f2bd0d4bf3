from django.urls import path
from rest_framework.authtoken.views import obtain_auth_token

from recommender import apis as recommender_apis
from wardrobe import apis as wardrobe_apis

urlpatterns = [
    path("auth/token/", obtain_auth_token, name="api-token"),
    path("wardrobe/items/", wardrobe_apis.ItemListApi.as_view(), name="api-items"),
    path("wardrobe/items/<int:pk>/", wardrobe_apis.ItemDetailApi.as_view(), name="api-item"),
    path("wardrobe/items/<int:pk>/retry/", wardrobe_apis.ItemRetryApi.as_view(), name="api-item-retry"),
    path("recommendations/", recommender_apis.RecommendationsApi.as_view(), name="api-recommendations"),
    path("search/", recommender_apis.SearchApi.as_view(), name="api-search"),
    path("products/", recommender_apis.ProductListApi.as_view(), name="api-products"),
    path("products/<int:pk>/", recommender_apis.ProductDetailApi.as_view(), name="api-product"),
]
