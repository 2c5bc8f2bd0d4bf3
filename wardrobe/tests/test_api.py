"""The wardrobe's JSON API: auth, the item list, one item, retries and bad uploads."""

import io

import pytest
from django.urls import reverse
from PIL import Image
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from closetspace.tests.factories import decompression_bomb, photo_bytes, too_thin, truncated_jpeg
from recommender.models import EmbeddingStatus
from wardrobe.models import WardrobeItem

ITEM_KEYS = {"id", "name", "brand", "category", "image_url", "status", "error"}


def upload(filename="shirt.jpg", content=None):
    file = io.BytesIO(photo_bytes() if content is None else content)
    file.name = filename
    return file


def create_item(client, **fields):
    """POST a photo to the API (the embedding task is not run); returns the JSON."""
    response = client.post(reverse("api-items"), {"image": upload(), **fields}, format="multipart")
    assert response.status_code == 201, response.content
    return response.json()


def item_url(item_id, name="api-item"):
    return reverse(name, args=[item_id])


def stored_files():
    return [file for item in WardrobeItem.objects.all() for file in (item.image.name, item.thumbnail.name)]


# Auth


def anonymous_requests():
    return [
        ("get", "api-items", False),
        ("post", "api-items", False),
        ("get", "api-item", True),
        ("patch", "api-item", True),
        ("delete", "api-item", True),
        ("post", "api-item-retry", True),
    ]


@pytest.mark.parametrize("method, name, with_id", anonymous_requests())
def test_it_refuses_anonymous_requests(api, method, name, with_id):
    item = create_item(api)
    url = reverse(name, args=[item["id"]]) if with_id else reverse(name)
    data = {"image": upload(), "name": "Stolen"} if method in ("post", "patch") else None
    response = getattr(APIClient(), method)(url, data, format="multipart")
    assert response.status_code in (401, 403)
    item_row = WardrobeItem.objects.get()
    assert (item_row.name, item_row.status) == ("", EmbeddingStatus.PENDING)


def test_it_gives_a_token_for_a_username_and_password(user):
    response = APIClient().post(reverse("api-token"), {"username": "alice", "password": "a-long-test-password"})
    assert response.status_code == 200
    assert response.json()["token"] == Token.objects.get(user=user).key


def test_it_refuses_a_token_for_a_wrong_password(user):
    response = APIClient().post(reverse("api-token"), {"username": "alice", "password": "not-her-password"})
    assert response.status_code == 400
    assert "token" not in response.json()
    assert not Token.objects.exists()


def test_it_accepts_a_token_header(user, api):
    create_item(api, name="Grey hoodie")
    token = (
        APIClient()
        .post(reverse("api-token"), {"username": "alice", "password": "a-long-test-password"})
        .json()["token"]
    )
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    response = client.get(reverse("api-items"))
    assert response.status_code == 200
    assert [item["name"] for item in response.json()["results"]] == ["Grey hoodie"]
    created = client.post(reverse("api-items"), {"image": upload(), "name": "Jeans"}, format="multipart")
    assert created.status_code == 201
    assert WardrobeItem.objects.get(id=created.json()["id"]).user == user


def test_it_refuses_an_unknown_token(user):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Token 0123456789abcdef0123456789abcdef01234567")
    assert client.get(reverse("api-items")).status_code in (401, 403)


def test_it_accepts_a_session(alice_client):
    response = alice_client.get(reverse("api-items"))
    assert response.status_code == 200
    assert response.json()["results"] == []


def test_it_checks_csrf_on_session_writes(user):
    client = APIClient(enforce_csrf_checks=True)
    client.force_login(user)
    response = client.post(reverse("api-items"), {"image": upload()}, format="multipart")
    assert response.status_code == 403
    assert "CSRF" in response.json()["detail"]
    assert not WardrobeItem.objects.exists()


# The item list


def test_it_lists_only_the_callers_items_newest_first(api, bob_api):
    create_item(api, name="Grey hoodie")
    create_item(bob_api, name="Bob's coat")
    create_item(api, name="Blue jeans")
    response = api.get(reverse("api-items"))
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 2
    assert [item["name"] for item in body["results"]] == ["Blue jeans", "Grey hoodie"]


def test_it_paginates_the_list(api):
    for number in range(3):
        create_item(api, name=f"Item {number}")
    body = api.get(reverse("api-items"), {"limit": 2}).json()
    assert body["count"] == 3
    assert len(body["results"]) == 2
    assert body["next"] is not None and body["previous"] is None
    rest = api.get(body["next"]).json()
    assert [item["name"] for item in rest["results"]] == ["Item 0"]
    assert rest["next"] is None


def test_it_creates_an_item_from_a_photo_and_its_details(api, user, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = api.post(
            reverse("api-items"),
            {"image": upload("hoodie.jpg"), "name": "  Grey hoodie ", "brand": "Uniqlo", "category": "knitwear"},
            format="multipart",
        )
    assert response.status_code == 201
    body = response.json()
    assert ITEM_KEYS <= body.keys()
    item = WardrobeItem.objects.get(user=user)
    assert body["id"] == item.id
    assert (body["name"], body["brand"], body["category"]) == ("Grey hoodie", "Uniqlo", "knitwear")
    assert (body["status"], body["error"]) == ("pending", "")
    assert body["image_url"] == f"http://testserver{reverse('wardrobe:item-photo', args=[item.id])}"
    assert len(callbacks) == 1


def test_it_creates_an_item_from_a_photo_alone(api):
    body = create_item(api)
    assert (body["name"], body["brand"], body["category"], body["status"]) == ("", "", "", "pending")


def test_it_embeds_the_new_item_once_committed(api, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        body = create_item(api, name="Grey hoodie")
    response = api.get(item_url(body["id"]))
    assert (response.json()["status"], response.json()["error"]) == ("ready", "")
    assert len(WardrobeItem.objects.get(id=body["id"]).vector) == 1664


def test_it_serves_the_new_items_photos_to_its_owner(api):
    body = create_item(api)
    for key in ("image_url", "thumbnail_url"):
        response = api.get(body[key])
        assert response.status_code == 200
        assert response["Content-Type"] == "image/jpeg"
        with Image.open(io.BytesIO(b"".join(response.streaming_content))) as image:
            assert image.format == "JPEG"


def test_it_serves_the_photos_to_a_token_client(user, api):
    body = create_item(api)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=user).key}")
    for key in ("image_url", "thumbnail_url"):
        response = client.get(body[key])
        assert response.status_code == 200, response.get("Location")
        assert response["Content-Type"] == "image/jpeg"


# Bad uploads


@pytest.mark.parametrize(
    "filename, content, message",
    [
        ("notes.jpg", b"this is not a photo, it's a shopping list\n" * 20, "This file is not a photo we can read"),
        ("cut.jpg", truncated_jpeg(), "This photo is damaged or cut short"),
        ("line.png", too_thin(), "This image is 1×50000 pixels; each side must be at least 32 pixels."),
        ("bomb.png", decompression_bomb(), "This image has too many pixels"),
        ("empty.jpg", b"", "The submitted file is empty."),
    ],
)
def test_it_rejects_a_bad_photo_with_a_clear_message(api, filename, content, message):
    response = api.post(reverse("api-items"), {"image": upload(filename, content), "name": "Shirt"}, format="multipart")
    assert response.status_code == 400
    errors = response.json()["image"]
    assert any(message in error for error in errors), errors
    assert not WardrobeItem.objects.exists()
    assert not stored_files()


def test_it_rejects_an_oversized_upload(api, settings):
    settings.UPLOAD_MAX_BYTES = 10_000
    response = api.post(
        reverse("api-items"), {"image": upload(content=photo_bytes(size=(1200, 1600)))}, format="multipart"
    )
    assert response.status_code == 400
    assert "photos can be at most 9.8\xa0KB" in response.json()["image"][0]
    assert not WardrobeItem.objects.exists()


def test_it_rejects_an_unknown_category(api):
    response = api.post(reverse("api-items"), {"image": upload(), "category": "spacesuit"}, format="multipart")
    assert response.status_code == 400
    assert "not a valid choice" in response.json()["category"][0]
    assert not WardrobeItem.objects.exists()


def test_it_asks_for_a_photo(api):
    response = api.post(reverse("api-items"), {"name": "Invisible coat"}, format="multipart")
    assert response.status_code == 400
    assert response.json()["image"] == ["No file was submitted."]
    assert not WardrobeItem.objects.exists()


def test_it_rejects_a_name_that_is_too_long(api):
    response = api.post(reverse("api-items"), {"image": upload(), "name": "x" * 121}, format="multipart")
    assert response.status_code == 400
    assert "120 characters" in response.json()["name"][0]
    assert not WardrobeItem.objects.exists()


def test_it_stores_nothing_in_media_for_rejected_uploads(api, settings):
    api.post(reverse("api-items"), {"image": upload("notes.jpg", b"not a photo" * 50)}, format="multipart")
    api.post(reverse("api-items"), {"image": upload(), "category": "spacesuit"}, format="multipart")
    wardrobe_folder = settings.MEDIA_ROOT / "wardrobe"
    assert not wardrobe_folder.exists() or not any(path.is_file() for path in wardrobe_folder.rglob("*"))


# One item


def test_it_shows_one_item(api):
    created = create_item(api, name="Grey hoodie", brand="Uniqlo", category="knitwear")
    response = api.get(item_url(created["id"]))
    assert response.status_code == 200
    assert ITEM_KEYS <= response.json().keys()
    assert response.json() == created


def test_it_updates_details_from_json_and_keeps_the_others(api, django_capture_on_commit_callbacks):
    created = create_item(api, name="Grey hoodie", brand="Uniqlo", category="knitwear")
    with django_capture_on_commit_callbacks(execute=True):
        response = api.patch(item_url(created["id"]), {"brand": " COS "}, format="json")
    assert response.status_code == 200
    assert (response.json()["name"], response.json()["brand"], response.json()["category"]) == (
        "Grey hoodie",
        "COS",
        "knitwear",
    )
    item = WardrobeItem.objects.get(id=created["id"])
    assert (item.name, item.brand, item.category, item.status) == (
        "Grey hoodie",
        "COS",
        "knitwear",
        EmbeddingStatus.READY,
    )


def test_it_updates_details_from_multipart_and_keeps_the_others(api):
    created = create_item(api, name="Grey hoodie", brand="Uniqlo", category="knitwear")
    response = api.patch(item_url(created["id"]), {"category": "jacket", "name": "Grey zip hoodie"}, format="multipart")
    assert response.status_code == 200
    item = WardrobeItem.objects.get(id=created["id"])
    assert (item.name, item.brand, item.category) == ("Grey zip hoodie", "Uniqlo", "jacket")


def test_it_can_clear_a_detail(api):
    created = create_item(api, name="Grey hoodie", brand="Uniqlo", category="knitwear")
    response = api.patch(item_url(created["id"]), {"brand": "", "category": ""}, format="json")
    assert response.status_code == 200
    item = WardrobeItem.objects.get(id=created["id"])
    assert (item.name, item.brand, item.category) == ("Grey hoodie", "", "")


def test_it_embeds_the_item_again_after_an_edit(api, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        created = create_item(api, name="Grey hoodie")
    before = WardrobeItem.objects.get(id=created["id"]).vector.copy()
    with django_capture_on_commit_callbacks(execute=True):
        response = api.patch(item_url(created["id"]), {"name": "Red raincoat"}, format="json")
    assert response.json()["status"] == "pending"  # the answer is sent before the task runs
    item = WardrobeItem.objects.get(id=created["id"])
    assert item.status == EmbeddingStatus.READY
    assert (item.vector != before).any()


@pytest.mark.parametrize("format", ["json", "multipart"])
def test_it_rejects_an_unknown_category_on_edit(api, format):
    created = create_item(api, name="Grey hoodie", category="knitwear")
    response = api.patch(item_url(created["id"]), {"category": "spacesuit", "name": "Changed"}, format=format)
    assert response.status_code == 400
    assert "not a valid choice" in response.json()["category"][0]
    item = WardrobeItem.objects.get(id=created["id"])
    assert (item.name, item.category) == ("Grey hoodie", "knitwear")


def test_it_deletes_an_item_and_its_files(api, django_capture_on_commit_callbacks):
    created = create_item(api)
    item = WardrobeItem.objects.get(id=created["id"])
    storage, names = item.image.storage, [item.image.name, item.thumbnail.name]
    assert all(storage.exists(name) for name in names)
    with django_capture_on_commit_callbacks(execute=True):
        response = api.delete(item_url(item.id))
    assert response.status_code == 204
    assert not WardrobeItem.objects.filter(id=item.id).exists()
    assert not any(storage.exists(name) for name in names)
    assert api.get(item_url(item.id)).status_code == 404


def test_it_retries_a_failed_item(api, django_capture_on_commit_callbacks):
    created = create_item(api)
    WardrobeItem.objects.filter(id=created["id"]).update(status=EmbeddingStatus.FAILED, error="The encoder crashed.")
    assert api.get(item_url(created["id"])).json()["status"] == "failed"
    with django_capture_on_commit_callbacks(execute=True):
        response = api.post(item_url(created["id"], "api-item-retry"))
    assert response.status_code == 200
    assert (response.json()["status"], response.json()["error"]) == ("pending", "")
    assert api.get(item_url(created["id"])).json()["status"] == "ready"


def test_it_reports_why_an_item_failed(api, django_capture_on_commit_callbacks):
    created = create_item(api)
    item = WardrobeItem.objects.get(id=created["id"])
    item.image.storage.delete(item.image.name)
    with django_capture_on_commit_callbacks(execute=True):
        api.post(item_url(item.id, "api-item-retry"))
    body = api.get(item_url(item.id)).json()
    assert body["status"] == "failed"
    assert "photo file is missing" in body["error"]


def test_it_answers_404_for_an_item_that_does_not_exist(api):
    assert api.get(item_url(999_999)).status_code == 404
    assert api.patch(item_url(999_999), {"name": "x"}, format="json").status_code == 404
    assert api.delete(item_url(999_999)).status_code == 404
    assert api.post(item_url(999_999, "api-item-retry")).status_code == 404


# Ownership


def test_it_checks_ownership(api, bob_api, django_capture_on_commit_callbacks):
    bobs = create_item(bob_api, name="Bob's coat", brand="Barbour", category="jacket")
    WardrobeItem.objects.filter(id=bobs["id"]).update(status=EmbeddingStatus.FAILED, error="Broken.")
    with django_capture_on_commit_callbacks(execute=True):
        assert api.get(item_url(bobs["id"])).status_code == 404
        assert api.patch(item_url(bobs["id"]), {"name": "Mine now"}, format="json").status_code == 404
        assert api.patch(item_url(bobs["id"]), {"name": "Mine now"}, format="multipart").status_code == 404
        assert api.post(item_url(bobs["id"], "api-item-retry")).status_code == 404
        assert api.delete(item_url(bobs["id"])).status_code == 404
    item = WardrobeItem.objects.get(id=bobs["id"])
    assert (item.name, item.status) == ("Bob's coat", EmbeddingStatus.FAILED)
    assert item.image.storage.exists(item.image.name) and item.thumbnail.storage.exists(item.thumbnail.name)


def test_it_checks_ownership_of_photos(api, bob_api):
    bobs = create_item(bob_api)
    for key in ("image_url", "thumbnail_url"):
        assert api.get(bobs[key]).status_code == 404
        assert bob_api.get(bobs[key]).status_code == 200
