from django.urls import path

from . import views

app_name = "recommender"

urlpatterns = [
    path("recommendations/", views.recommendations, name="recommendations"),
    path("search/", views.product_search, name="search"),
]
