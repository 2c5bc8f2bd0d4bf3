import pytest
from django.urls import reverse

from closetspace.photos import read_photo
from closetspace.tests.factories import photo_bytes
from recommender.models import EmbeddingStatus
from wardrobe import services
from wardrobe.models import WardrobeItem


@pytest.fixture
def item(user, django_capture_on_commit_callbacks):
    import io

    with django_capture_on_commit_callbacks(execute=True):
        item = services.item_create(user=user, photo=read_photo(io.BytesIO(photo_bytes())), name="Blue shirt")
    item.refresh_from_db()
    return item


def test_the_closet_lists_only_my_items_with_their_state(alice_client, item, other_user):
    import io

    services.item_create(user=other_user, photo=read_photo(io.BytesIO(photo_bytes())), name="Bob's coat")
    WardrobeItem.objects.create(
        user=item.user,
        image=item.image.name,
        thumbnail=item.thumbnail.name,
        status=EmbeddingStatus.FAILED,
        error="This photo is damaged",
    )
    page = alice_client.get(reverse("wardrobe:closet")).content.decode()
    assert "Blue shirt" in page
    assert "Bob&#x27;s coat" not in page and "Bob's coat" not in page
    assert "Ready" in page and "Failed" in page and "This photo is damaged" in page
    assert "Try again" in page


def test_the_empty_closet_says_what_to_do(alice_client):
    page = alice_client.get(reverse("wardrobe:closet")).content.decode()
    assert "Your closet is empty" in page
    assert reverse("wardrobe:upload") in page


def test_it_filters_the_closet_by_category(alice_client, item, user):
    import io

    services.item_create(user=user, photo=read_photo(io.BytesIO(photo_bytes())), name="Old boots", category="shoes")
    page = alice_client.get(reverse("wardrobe:closet"), {"category": "shoes"}).content.decode()
    assert "Old boots" in page and "Blue shirt" not in page


def test_it_edits_an_item_and_embeds_it_again(alice_client, item, django_capture_on_commit_callbacks):
    before = item.vector.copy()
    with django_capture_on_commit_callbacks(execute=True):
        response = alice_client.post(
            reverse("wardrobe:item-edit", args=[item.pk]),
            {"name": "Navy linen shirt", "brand": "Arket", "category": "shirt"},
        )
    assert response.status_code == 302
    item.refresh_from_db()
    assert (item.name, item.brand, item.category, item.status) == ("Navy linen shirt", "Arket", "shirt", "ready")
    assert not (item.vector == before).all()


def test_the_edit_form_rejects_an_unknown_category(alice_client, item):
    response = alice_client.post(reverse("wardrobe:item-edit", args=[item.pk]), {"name": "x", "category": "spacesuit"})
    assert response.status_code == 400
    item.refresh_from_db()
    assert item.name == "Blue shirt"


def test_it_deletes_an_item_and_its_files_after_confirmation(alice_client, item, django_capture_on_commit_callbacks):
    storage, names = item.image.storage, [item.image.name, item.thumbnail.name]
    confirm = alice_client.get(reverse("wardrobe:item-delete", args=[item.pk]))
    assert "Delete this item?" in confirm.content.decode()
    assert WardrobeItem.objects.filter(pk=item.pk).exists()
    with django_capture_on_commit_callbacks(execute=True):
        alice_client.post(reverse("wardrobe:item-delete", args=[item.pk]))
    assert not WardrobeItem.objects.filter(pk=item.pk).exists()
    assert not any(storage.exists(name) for name in names)


def test_it_retries_a_failed_item(alice_client, item, django_capture_on_commit_callbacks):
    WardrobeItem.objects.filter(pk=item.pk).update(status=EmbeddingStatus.FAILED, error="boom", encoder_version="")
    with django_capture_on_commit_callbacks(execute=True):
        alice_client.post(reverse("wardrobe:item-retry", args=[item.pk]))
    item.refresh_from_db()
    assert (item.status, item.error) == ("ready", "")


def test_an_unreadable_stored_photo_fails_the_item_with_a_reason(item):
    with open(item.image.path, "wb") as handle:
        handle.write(b"garbage")
    WardrobeItem.objects.filter(pk=item.pk).update(status=EmbeddingStatus.PENDING)
    item.refresh_from_db()
    services.item_embed(item=item)
    item.refresh_from_db()
    assert item.status == "failed"
    assert "not a photo we can read" in item.error


def test_it_serves_my_photos_to_me(alice_client, item):
    for name in ("wardrobe:item-photo", "wardrobe:item-thumb"):
        response = alice_client.get(reverse(name, args=[item.pk]))
        assert response.status_code == 200
        assert response["Content-Type"] == "image/jpeg"
        assert "private" in response["Cache-Control"]


@pytest.mark.parametrize(
    "method, name",
    [
        ("get", "wardrobe:item-edit"),
        ("post", "wardrobe:item-edit"),
        ("get", "wardrobe:item-delete"),
        ("post", "wardrobe:item-delete"),
        ("post", "wardrobe:item-retry"),
        ("get", "wardrobe:item-photo"),
        ("get", "wardrobe:item-thumb"),
    ],
)
def test_it_checks_ownership(client, item, other_user, method, name):
    client.force_login(other_user)
    response = getattr(client, method)(reverse(name, args=[item.pk]), {"name": "stolen"} if method == "post" else None)
    assert response.status_code == 404
    item.refresh_from_db()
    assert item.name == "Blue shirt"


def test_wardrobe_photos_are_not_public_media(client, item):
    assert client.get("/media/" + item.image.name).status_code == 404
    assert client.get(reverse("wardrobe:item-photo", args=[item.pk])).status_code == 302  # to the login page


@pytest.mark.parametrize(
    "name", ["wardrobe:closet", "wardrobe:upload", "recommender:recommendations", "recommender:search"]
)
def test_pages_need_login(client, name):
    response = client.get(reverse(name))
    assert response.status_code == 302 and reverse("login") in response["Location"]


def test_it_searches_the_closet_by_name_or_brand(alice_client, item, user):
    import io

    services.item_create(user=user, photo=read_photo(io.BytesIO(photo_bytes())), name="Old boots", brand="Dr. Martens")
    page = alice_client.get(reverse("wardrobe:closet"), {"q": "martens"}).content.decode()
    assert "Old boots" in page and "Blue shirt" not in page
    page = alice_client.get(reverse("wardrobe:closet"), {"q": "nothing like this"}).content.decode()
    assert "Nothing matches" in page
