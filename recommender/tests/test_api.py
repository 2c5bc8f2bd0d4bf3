"""The inventory's JSON API: products, recommendations, search, and the OpenAPI schema."""

import io
from decimal import Decimal

import numpy as np
import pytest
from django.core.management import call_command
from django.urls import reverse
from rest_framework.test import APIClient

from closetspace.tests.factories import photo_bytes, product
from recommender import embeddings, services
from recommender.models import EmbeddingStatus
from wardrobe.models import WardrobeItem

PRODUCT_KEYS = {"id", "name", "brand", "category", "gender", "colour", "price", "url", "external_id", "image_url"}


def random_vector(seed):
    return np.random.default_rng(seed).normal(size=embeddings.DIM)


def add_item(client, colour=(40, 60, 150), **fields):
    """Upload a photo through the API; the item stays pending until on-commit work runs."""
    image = io.BytesIO(photo_bytes(colour=colour))
    image.name = "photo.jpg"
    response = client.post(reverse("api-items"), {"image": image, **fields}, format="multipart")
    assert response.status_code == 201, response.content
    return WardrobeItem.objects.get(id=response.json()["id"])


def add_ready_item(client, capture, **fields):
    with capture(execute=True):
        item = add_item(client, **fields)
    item.refresh_from_db()
    assert item.status == EmbeddingStatus.READY
    return item


def shop(*names_and_vectors):
    """Products with the given vectors, and a fresh index of them."""
    products = [product(name, vector=vector, category="Tops") for name, vector in names_and_vectors]
    services.index_rebuild()
    return products


def embedded_products(*specs):
    """Products embedded from their text by the current encoder, and a fresh index of them."""
    products = [product(name, category=category) for name, category in specs]
    services.products_embed(product_ids=[p.id for p in products])
    services.index_rebuild()
    return products


def product_names(client, **params):
    return sorted(p["name"] for p in client.get(reverse("api-products"), params).json()["results"])


def recommendations(client, **params):
    return client.get(reverse("api-recommendations"), params)


def search(client, **params):
    return client.get(reverse("api-search"), params)


# Auth


@pytest.mark.parametrize(
    "url",
    [
        "/api/products/",
        "/api/products/{id}/",
        "/api/recommendations/",
        "/api/recommendations/?limit=3",
        "/api/search/?q=jacket",
    ],
)
def test_it_refuses_anonymous_requests(db, url):
    shown = product("Visible to members only", vector=random_vector(1))
    response = APIClient().get(url.format(id=shown.id))
    assert response.status_code in (401, 403)
    assert "Visible to members only" not in response.content.decode()


def test_it_accepts_a_token_header(user):
    product("Blue cotton shirt")
    token = (
        APIClient()
        .post(reverse("api-token"), {"username": "alice", "password": "a-long-test-password"})
        .json()["token"]
    )
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    assert [p["name"] for p in client.get(reverse("api-products")).json()["results"]] == ["Blue cotton shirt"]
    assert client.get(reverse("api-recommendations")).json()["state"] == "no_items"


# Products


def test_it_lists_only_active_products(api):
    shirt = product(
        "Blue cotton shirt",
        brand="Acme",
        gender="Men",
        colour="Blue",
        price=Decimal("29.90"),
        url="https://shop.example/shirt",
        external_id="SKU-1",
    )
    product("Discontinued shirt", is_active=False)
    response = api.get(reverse("api-products"))
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 1
    [listed] = body["results"]
    assert PRODUCT_KEYS <= listed.keys()
    expected = {
        "id": shirt.id,
        "name": "Blue cotton shirt",
        "brand": "Acme",
        "category": "Shirts",
        "gender": "Men",
        "colour": "Blue",
        "price": "29.90",
        "url": "https://shop.example/shirt",
        "external_id": "SKU-1",
        "image_url": None,
    }
    assert {key: listed[key] for key in expected} == expected


def test_it_paginates_products(api):
    for number in range(3):
        product(f"Shirt {number}")
    body = api.get(reverse("api-products"), {"limit": 2}).json()
    assert (body["count"], len(body["results"])) == (3, 2)
    assert len(api.get(body["next"]).json()["results"]) == 1


def test_it_filters_products_by_category_gender_and_brand(api):
    product("Blue cotton shirt", category="Shirts", gender="Men", brand="Acme")
    product("Red dress", category="Dresses", gender="Women", brand="Acme")
    product("Green shirt", category="Shirts", gender="Women", brand="Other")
    assert product_names(api, category="shirts") == ["Blue cotton shirt", "Green shirt"]
    assert product_names(api, gender="women", brand="acme") == ["Red dress"]


def test_it_gives_an_absolute_url_for_a_products_photo(api):
    from closetspace.photos import read_photo

    item = product("Blue cotton shirt")
    services.product_set_photo(product=item, photo=read_photo(io.BytesIO(photo_bytes())))
    item.save()
    body = api.get(reverse("api-product", args=[item.id])).json()
    assert body["image_url"] == f"http://testserver{item.image.url}"
    assert body["image_url"].startswith("http://testserver/media/products/")
    assert body["thumbnail_url"] == f"http://testserver{item.thumbnail.url}"


def test_it_shows_one_product(api):
    shirt = product("Blue cotton shirt", price=Decimal("19.00"))
    response = api.get(reverse("api-product", args=[shirt.id]))
    assert response.status_code == 200
    assert PRODUCT_KEYS <= response.json().keys()
    assert (response.json()["id"], response.json()["name"], response.json()["price"]) == (
        shirt.id,
        "Blue cotton shirt",
        "19.00",
    )


def test_it_hides_an_inactive_or_missing_product(api):
    gone = product("Discontinued shirt", is_active=False)
    assert api.get(reverse("api-product", args=[gone.id])).status_code == 404
    assert api.get(reverse("api-product", args=[999_999])).status_code == 404


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_products_are_read_only(api, method):
    shirt = product("Blue cotton shirt")
    list_response = getattr(api, method)(reverse("api-products"), {"name": "Hacked"}, format="json")
    detail_response = getattr(api, method)(reverse("api-product", args=[shirt.id]), {"name": "Hacked"}, format="json")
    assert (list_response.status_code, detail_response.status_code) == (405, 405)
    shirt.refresh_from_db()
    assert shirt.name == "Blue cotton shirt"


# Recommendations


def test_it_says_when_there_are_no_items(api, bob_api, django_capture_on_commit_callbacks):
    add_ready_item(bob_api, django_capture_on_commit_callbacks)
    shop(("Blue cotton shirt", random_vector(1)))
    response = recommendations(api)
    assert response.status_code == 200
    assert response.json() == {"state": "no_items", "pending_items": 0, "results": []}


def test_it_says_when_items_are_still_processing(api):
    add_item(api)
    add_item(api)
    shop(("Blue cotton shirt", random_vector(1)))
    assert recommendations(api).json() == {"state": "processing", "pending_items": 2, "results": []}


def test_it_says_when_no_item_could_be_embedded(api):
    item = add_item(api)
    WardrobeItem.objects.filter(id=item.id).update(status=EmbeddingStatus.FAILED, error="Broken.")
    assert recommendations(api).json() == {"state": "no_ready_items", "pending_items": 0, "results": []}


def test_it_says_when_there_is_no_inventory(api, django_capture_on_commit_callbacks):
    add_ready_item(api, django_capture_on_commit_callbacks)
    product("Not embedded yet")
    services.index_rebuild()
    body = recommendations(api).json()
    assert (body["state"], body["results"]) == ("no_inventory", [])


def test_it_recommends_products_near_the_wardrobe(api, django_capture_on_commit_callbacks):
    hoodie = add_ready_item(api, django_capture_on_commit_callbacks, colour=(128, 128, 128), name="Grey hoodie")
    jeans = add_ready_item(api, django_capture_on_commit_callbacks, colour=(30, 40, 120), name="Blue jeans")
    shop(
        ("Like the hoodie", hoodie.vector),
        *[(f"Random {seed}", random_vector(seed)) for seed in range(8)],
    )
    response = recommendations(api, limit=3)
    assert response.status_code == 200
    body = response.json()
    assert (body["state"], body["pending_items"], len(body["results"])) == ("ok", 0, 3)
    first = body["results"][0]
    assert first["product"]["name"] == "Like the hoodie"
    assert first["because"] == {"id": hoodie.id, "name": "Grey hoodie"}
    for pick in body["results"]:
        assert PRODUCT_KEYS <= pick["product"].keys()
        assert -1.0 <= pick["similarity"] <= 1.0
        assert pick["because"]["id"] in {hoodie.id, jeans.id}
    similarities = [pick["similarity"] for pick in body["results"]]
    assert similarities == sorted(similarities, reverse=True)


def test_it_counts_pending_items_next_to_the_picks(api, django_capture_on_commit_callbacks):
    add_ready_item(api, django_capture_on_commit_callbacks)
    add_item(api)
    shop(("Blue cotton shirt", random_vector(1)))
    body = recommendations(api).json()
    assert (body["state"], body["pending_items"], len(body["results"])) == ("ok", 1, 1)


@pytest.mark.parametrize("limit", [1, 4, 10])
def test_it_respects_the_limit(api, django_capture_on_commit_callbacks, limit):
    add_ready_item(api, django_capture_on_commit_callbacks)
    shop(*[(f"Product {seed}", random_vector(seed)) for seed in range(6)])
    body = recommendations(api, limit=limit).json()
    assert len(body["results"]) == min(limit, 6)


def test_it_recommends_a_default_number_without_a_limit(api, django_capture_on_commit_callbacks, settings):
    settings.RECOMMEND_COUNT = 2
    add_ready_item(api, django_capture_on_commit_callbacks)
    shop(*[(f"Product {seed}", random_vector(seed)) for seed in range(6)])
    assert len(recommendations(api).json()["results"]) == 2


def test_it_leaves_out_products_deactivated_since_the_index_was_built(api, django_capture_on_commit_callbacks):
    hoodie = add_ready_item(api, django_capture_on_commit_callbacks)
    near, *_ = shop(("Like the hoodie", hoodie.vector), ("Other", random_vector(1)))
    near.is_active = False
    near.save()
    names = [pick["product"]["name"] for pick in recommendations(api, limit=5).json()["results"]]
    assert names == ["Other"]


@pytest.mark.parametrize("limit", ["abc", "0", "-3", "1.5", "51"])
def test_it_rejects_a_bad_limit(api, django_capture_on_commit_callbacks, limit):
    add_ready_item(api, django_capture_on_commit_callbacks)
    shop(("Blue cotton shirt", random_vector(1)))
    response = recommendations(api, limit=limit)
    assert response.status_code == 400
    assert "limit" in response.json()


# Search


def test_it_finds_the_best_match_first(api):
    embedded_products(
        ("Blue cotton shirt", "Shirts"),
        ("Black winter jacket", "Jackets"),
        ("Red summer dress", "Dresses"),
        ("Black leather boots", "Shoes"),
        ("Wool winter scarf", "Accessories"),
        ("Denim jacket", "Jackets"),
        ("Green linen trousers", "Trousers"),
    )
    response = search(api, q="black winter jacket", limit=5)
    assert response.status_code == 200
    body = response.json()
    assert body["query"] == "black winter jacket"
    assert len(body["results"]) == 5
    assert body["results"][0]["product"]["name"] == "Black winter jacket"
    similarities = [pick["similarity"] for pick in body["results"]]
    assert similarities == sorted(similarities, reverse=True)
    for pick in body["results"]:
        assert PRODUCT_KEYS <= pick["product"].keys()
        assert pick["because"] is None


def test_search_respects_the_limit(api):
    embedded_products(*[(f"Black shirt {number}", "Shirts") for number in range(6)])
    assert len(search(api, q="black shirt", limit=2).json()["results"]) == 2
    assert len(search(api, q="black shirt").json()["results"]) == 5


def test_search_finds_nothing_without_an_inventory(api):
    response = search(api, q="black winter jacket")
    assert response.status_code == 200
    assert response.json()["results"] == []


def test_search_leaves_out_inactive_products(api):
    jacket, _ = embedded_products(("Black winter jacket", "Jackets"), ("Blue cotton shirt", "Shirts"))
    jacket.is_active = False
    jacket.save()
    names = [pick["product"]["name"] for pick in search(api, q="black winter jacket").json()["results"]]
    assert "Black winter jacket" not in names


@pytest.mark.parametrize("params", [{}, {"q": ""}, {"q": "   "}, {"q": "x" * 201}])
def test_search_needs_a_query(api, params):
    response = search(api, **params)
    assert response.status_code == 400
    assert "q" in response.json()


@pytest.mark.parametrize("limit", ["abc", "0"])
def test_search_rejects_a_bad_limit(api, limit):
    response = search(api, q="jacket", limit=limit)
    assert response.status_code == 400
    assert "limit" in response.json()


# The schema


API_PATHS = [
    "/api/auth/token/",
    "/api/wardrobe/items/",
    "/api/wardrobe/items/{id}/",
    "/api/wardrobe/items/{id}/retry/",
    "/api/products/",
    "/api/products/{id}/",
    "/api/recommendations/",
    "/api/search/",
]


def test_the_schema_lists_every_endpoint(api):
    response = api.get("/api/schema/", {"format": "json"})
    assert response.status_code == 200
    schema = response.json()
    assert schema["openapi"].startswith("3.")
    assert schema["info"]["title"] == "Closetspace API"
    assert set(API_PATHS) <= schema["paths"].keys()
    assert {"get", "post"} <= schema["paths"]["/api/wardrobe/items/"].keys()
    assert {"get", "patch", "delete"} <= schema["paths"]["/api/wardrobe/items/{id}/"].keys()


def test_the_schema_documents_the_wardrobe_items(api):
    schema = api.get("/api/schema/", {"format": "json"}).json()
    components = schema["components"]["schemas"]

    def resolve(ref_or_schema):
        ref = ref_or_schema.get("$ref", "")
        return components[ref.rsplit("/", 1)[-1]] if ref else ref_or_schema

    create = schema["paths"]["/api/wardrobe/items/"]["post"]
    upload = resolve(create["requestBody"]["content"]["multipart/form-data"]["schema"])
    assert {"image", "name", "brand", "category"} <= upload["properties"].keys()
    assert upload["properties"]["image"]["format"] == "binary"
    created = resolve(create["responses"]["201"]["content"]["application/json"]["schema"])
    assert {"id", "name", "brand", "category", "image_url", "status", "error"} <= created["properties"].keys()
    listed = schema["paths"]["/api/wardrobe/items/"]["get"]
    assert {"limit", "offset"} <= {parameter["name"] for parameter in listed["parameters"]}
    edit = schema["paths"]["/api/wardrobe/items/{id}/"]["patch"]
    assert "application/json" in edit["requestBody"]["content"]


def test_the_schema_builds_without_warnings_and_is_valid(db, tmp_path):
    call_command("spectacular", "--fail-on-warn", "--validate", "--file", str(tmp_path / "schema.yml"))
    assert "/api/wardrobe/items/{id}/retry/" in (tmp_path / "schema.yml").read_text()
