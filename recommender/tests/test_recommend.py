import io

import numpy as np
import pytest

from closetspace.photos import read_photo
from closetspace.tests.factories import photo_bytes, product
from recommender import services
from recommender.recommend import State, recommend, search
from recommender.models import Product
from wardrobe import services as wardrobe_services
from wardrobe.models import WardrobeItem

COLOURS = {"navy": (20, 30, 90), "red": (200, 30, 30), "green": (30, 140, 60), "yellow": (230, 210, 40)}


@pytest.fixture
def inventory(db):
    """Shirts and trousers in four colours, embedded by the (fake) encoder and indexed."""
    created = []
    for colour, rgb in COLOURS.items():
        for shape in ("shirt", "trousers"):
            for n in range(6):
                item = product(
                    name=f"{colour} {shape} {n}", category=shape, url=f"https://shop.example/{colour}-{shape}-{n}"
                )
                services.product_set_photo(
                    product=item, photo=read_photo(io.BytesIO(photo_bytes(colour=rgb, shape=shape)))
                )
                item.save()
                created.append(item.id)
    services.products_embed(product_ids=created)
    services.index_rebuild()
    return Product.objects.filter(id__in=created)


def add_item(user, colour, shape="shirt", **fields):
    photo = read_photo(io.BytesIO(photo_bytes(colour=COLOURS[colour], shape=shape)))
    item = wardrobe_services.item_create(user=user, photo=photo, **fields)
    wardrobe_services.item_embed(item=WardrobeItem.objects.get(pk=item.pk))
    return WardrobeItem.objects.get(pk=item.pk)


def test_it_recommends_products_like_the_wardrobe(user, inventory):
    add_item(user, "red", name="Red tee")
    result = recommend(user=user, limit=6, rng=np.random.default_rng(0))
    assert result.state == State.OK
    assert len(result.picks) == 6
    assert all(pick.product.name.startswith("red") for pick in result.picks)
    assert all(pick.because.name == "Red tee" for pick in result.picks)


def test_each_refresh_brings_a_different_but_still_fitting_set(user, inventory, settings):
    add_item(user, "green")
    add_item(user, "green", shape="trousers")
    # Seeded noise: the same six refreshes every run (unseeded, about 1 in 200 sets has only 3 green).
    sets = [
        frozenset(p.product.id for p in recommend(user=user, limit=6, rng=np.random.default_rng(seed)).picks)
        for seed in range(6)
    ]
    assert len(set(sets)) > 1
    for picks in sets:
        names = Product.objects.filter(id__in=picks).values_list("name", flat=True)
        assert sum(name.startswith("green") for name in names) >= 4


def test_it_explains_each_pick_with_the_closest_wardrobe_item(user, inventory, settings):
    settings.RECOMMEND_NOISE = 0.0
    add_item(user, "navy", name="Navy shirt")
    add_item(user, "yellow", shape="trousers", name="Yellow chinos")
    for pick in recommend(user=user, limit=12).picks:
        expected = "Navy shirt" if pick.product.name.startswith("navy") else "Yellow chinos"
        if pick.product.name.split()[0] in ("navy", "yellow"):
            assert pick.because.name == expected


def test_it_never_shows_a_deactivated_or_deleted_product_even_before_the_next_rebuild(user, inventory, settings):
    settings.RECOMMEND_NOISE = 0.0
    add_item(user, "red")
    first = recommend(user=user, limit=4).picks
    Product.objects.filter(pk=first[0].product.pk).update(is_active=False)
    Product.objects.filter(pk=first[1].product.pk).delete()
    settings.INDEX_REBUILD_IN_PROCESS = False
    again = {pick.product.pk for pick in recommend(user=user, limit=4).picks}
    assert first[0].product.pk not in again and first[1].product.pk not in again
    assert len(again) == 4


def test_products_sharing_a_shop_url_are_shown_once(user, inventory, settings):
    settings.RECOMMEND_NOISE = 0.0
    Product.objects.filter(name__startswith="red").update(url="https://shop.example/same")
    add_item(user, "red")
    picks = recommend(user=user, limit=6).picks
    assert [p.product.url for p in picks].count("https://shop.example/same") == 1


def test_the_index_is_rebuilt_in_process_when_stale_on_the_embedded_default(user, inventory, settings):
    settings.INDEX_REBUILD_IN_PROCESS = True
    add_item(user, "red")
    new = product(name="brand new red shirt")
    services.product_set_photo(product=new, photo=read_photo(io.BytesIO(photo_bytes(colour=COLOURS["red"]))))
    new.save()
    services.products_embed(product_ids=[new.id])
    assert services.index_is_stale()
    recommend(user=user)
    assert not services.index_is_stale()


def test_production_leaves_rebuilds_to_beat(user, inventory, settings):
    settings.INDEX_REBUILD_IN_PROCESS = False
    add_item(user, "red")
    product(name="new", vector=np.ones(1664))
    recommend(user=user)
    assert services.index_is_stale()


def test_empty_states(user, db):
    assert recommend(user=user).state == State.NO_ITEMS
    photo = read_photo(io.BytesIO(photo_bytes()))
    item = wardrobe_services.item_create(user=user, photo=photo)
    assert recommend(user=user).state == State.PROCESSING
    WardrobeItem.objects.filter(pk=item.pk).update(status="failed", error="x")
    assert recommend(user=user).state == State.NO_READY_ITEMS
    WardrobeItem.objects.filter(pk=item.pk).update(status="pending")
    wardrobe_services.item_embed(item=WardrobeItem.objects.get(pk=item.pk))
    assert recommend(user=user).state == State.NO_INVENTORY


def test_the_page_shows_cards_and_a_refresh_button(alice_client, user, inventory):
    add_item(user, "red", name="Red tee")
    page = alice_client.get("/recommendations/").content.decode()
    assert page.count('class="card product-card"') == 12
    assert "Show me more" in page and "Goes with your Red tee" in page
    assert "https://shop.example/red-" in page


@pytest.mark.parametrize(
    "setup, text",
    [("none", "Add some clothes first"), ("pending", "Looking at your photos"), ("ready", "still being stocked")],
)
def test_the_page_explains_each_empty_state(alice_client, user, setup, text):
    if setup != "none":
        item = wardrobe_services.item_create(user=user, photo=read_photo(io.BytesIO(photo_bytes())))
        if setup == "ready":
            wardrobe_services.item_embed(item=WardrobeItem.objects.get(pk=item.pk))
    page = alice_client.get("/recommendations/").content.decode()
    assert text in page


def test_search_finds_products_by_text(inventory):
    results = search(query="yellow trousers", limit=5)
    assert len(results) == 5
    assert all(pick.product.name.startswith("yellow trousers") for pick in results)


def test_the_search_page_keeps_the_query_in_the_url(alice_client, inventory):
    page = alice_client.get("/search/", {"q": "navy shirt"}).content.decode()
    assert 'value="navy shirt"' in page
    assert "navy shirt 0" in page


def test_an_empty_search_shows_no_results(alice_client, inventory):
    assert search(query="   ") == []
    page = alice_client.get("/search/", {"q": ""}).content.decode()
    assert "Closest matches" not in page


def test_the_page_says_so_when_the_index_is_broken_and_the_next_rebuild_repairs_it(
    alice_client, user, inventory, settings
):
    from recommender import index

    settings.INDEX_REBUILD_IN_PROCESS = False
    add_item(user, "red")
    (index.index_dir() / "current.json").write_text("{broken")
    page = alice_client.get("/recommendations/")
    assert page.status_code == 200 and "Recommendations are being prepared" in page.content.decode()
    assert alice_client.get("/api/recommendations/").json()["state"] == "index_unavailable"
    services.index_rebuild()
    assert recommend(user=user).state == State.OK
