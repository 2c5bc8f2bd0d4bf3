"""The whole flow on real parts: real encoders, the real Celery task path, a real Annoy index."""

import csv

import pytest
from django.core.management import call_command
from django.urls import reverse

from recommender import embeddings, index
from recommender.demo import write_demo_catalogue
from recommender.models import Product
from wardrobe.models import WardrobeItem

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def shop(tmp_path):
    """A demo catalogue imported and indexed through the management commands."""
    call_command("import_inventory", str(write_demo_catalogue(tmp_path / "shop", count=60)), verbosity=0)
    call_command("rebuild_index", verbosity=0)
    return Product.objects.all()


@pytest.fixture
def closet_photos(tmp_path):
    """Photos from another demo 'shop' (a different seed), grouped by article type."""
    path = write_demo_catalogue(tmp_path / "closet", count=26, seed=99)
    photos = {}
    with open(path) as handle:
        for row in csv.DictReader(handle):
            photos.setdefault(row["articleType"], path.parent / row["filename"])
    return photos


def upload(client, *paths):
    data = {
        "form-TOTAL_FORMS": str(len(paths)),
        "form-INITIAL_FORMS": "0",
        "form-MIN_NUM_FORMS": "0",
        "form-MAX_NUM_FORMS": "20",
    }
    handles = [open(path, "rb") for path in paths]
    try:
        data.update({f"form-{n}-image": handle for n, handle in enumerate(handles)})
        return client.post(reverse("wardrobe:upload"), data)
    finally:
        for handle in handles:
            handle.close()


def test_every_imported_product_is_embedded_by_the_real_encoders_and_indexed(shop):
    version = embeddings.current_version()
    assert shop.count() == 60
    assert set(shop.values_list("status", "encoder_version")) == {("ready", version)}
    assert all(product.thumbnail for product in shop)
    assert len(index.load_current()) == 60


def test_a_person_signs_up_uploads_and_gets_fitting_picks(client, shop, closet_photos, settings):
    client.post(
        reverse("signup"),
        {"username": "dana", "password1": "a-long-test-password", "password2": "a-long-test-password"},
    )
    response = upload(client, closet_photos["Jeans"], closet_photos["Tshirts"])
    assert response.status_code == 302
    items = WardrobeItem.objects.filter(user__username="dana")
    assert [(i.status, len(i.vector)) for i in items] == [("ready", 1664), ("ready", 1664)]

    settings.RECOMMEND_NOISE = 0.0
    picks = client.get("/api/recommendations/?limit=6").json()
    assert picks["state"] == "ok" and len(picks["results"]) == 6
    categories = [pick["product"]["category"] for pick in picks["results"]]
    # Photos alone (no names) must pull in the same kinds of garment from the shop.
    assert sum(category in ("Jeans", "Trousers", "Tshirts", "Shirts") for category in categories) >= 4, categories

    settings.RECOMMEND_NOISE = 0.03  # the default
    page = client.get(reverse("recommender:recommendations")).content.decode()
    assert page.count('class="card product-card"') == 12
    sets = {
        frozenset(p["product"]["id"] for p in client.get("/api/recommendations/").json()["results"]) for _ in range(4)
    }
    assert len(sets) > 1  # each refresh brings a different set


def test_text_search_finds_what_was_asked_for(client, shop, user):
    client.force_login(user)
    results = client.get("/api/search/", {"q": "black jeans", "limit": 5}).json()["results"]
    assert len(results) == 5
    assert results[0]["product"]["category"] in ("Jeans", "Trousers")
    assert "Black" in results[0]["product"]["colour"] or "black" in results[0]["product"]["name"].lower()
