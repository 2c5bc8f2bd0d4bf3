from django.urls import path

from . import views

app_name = "wardrobe"

urlpatterns = [
    path("", views.closet, name="closet"),
    path("upload/", views.upload, name="upload"),
    path("items/<int:pk>/edit/", views.item_edit, name="item-edit"),
    path("items/<int:pk>/delete/", views.item_delete, name="item-delete"),
    path("items/<int:pk>/retry/", views.item_retry, name="item-retry"),
    path("items/<int:pk>/photo.jpg", views.item_photo, {"size": "full"}, name="item-photo"),
    path("items/<int:pk>/thumb.jpg", views.item_photo, {"size": "thumb"}, name="item-thumb"),
]
