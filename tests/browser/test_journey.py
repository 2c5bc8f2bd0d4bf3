"""A person's whole visit, in a real browser: sign up, upload, watch, get picks, search, log out."""

import io

import pytest
from django.urls import reverse

from closetspace.photos import read_photo
from closetspace.tests.factories import photo_bytes, product
from recommender import services
from recommender.models import EmbeddingStatus, Product
from wardrobe.models import WardrobeItem

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

COLOURS = {"navy": (20, 30, 90), "red": (200, 30, 30), "green": (30, 140, 60), "grey": (128, 128, 128)}


@pytest.fixture
def shop():
    ids = []
    for colour, rgb in COLOURS.items():
        for shape in ("shirt", "trousers", "shoe"):
            for n in range(3):
                item = product(
                    name=f"{colour} {shape} {n}".capitalize(),
                    brand="Northwind",
                    price="39.00",
                    url=f"https://shop.example/{colour}-{shape}-{n}",
                )
                services.product_set_photo(
                    product=item, photo=read_photo(io.BytesIO(photo_bytes(colour=rgb, shape=shape)))
                )
                item.save()
                ids.append(item.id)
    services.products_embed(product_ids=ids)
    services.index_rebuild()


@pytest.fixture
def photos(tmp_path):
    paths = []
    for n, (colour, shape) in enumerate([("navy", "shirt"), ("grey", "trousers"), ("red", "shoe")]):
        path = tmp_path / f"closet-{n}.jpg"
        path.write_bytes(photo_bytes(colour=COLOURS[colour], shape=shape))
        paths.append(str(path))
    return paths


def sign_up(page, live_server, username="dana"):
    page.goto(live_server.url + reverse("signup"))
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password", exact=True).fill("a-long-test-password")
    page.get_by_label("Password confirmation").fill("a-long-test-password")
    page.get_by_role("button", name="Sign up").click()
    page.wait_for_url("**/closet/upload/")


def test_a_person_uploads_gets_picks_searches_and_logs_out(page, live_server, shop, photos, screenshot):
    page.goto(live_server.url)
    screenshot(page, "01-home")
    sign_up(page, live_server)
    screenshot(page, "02-upload-empty")

    page.set_input_files("#photos", photos)
    queue = page.locator("#queue .queue-item")
    assert queue.count() == 3
    queue.nth(0).get_by_label("Name").fill("Navy shirt")
    queue.nth(1).get_by_label("Category").select_option("trousers")
    screenshot(page, "03-upload-queue")
    page.get_by_role("button", name="Upload all").click()
    page.wait_for_function("document.querySelectorAll('.queue-status.ok').length === 3")
    screenshot(page, "04-upload-done")

    page.get_by_role("link", name="See them in your closet").click()
    page.wait_for_url("**/closet/")
    assert page.locator(".item-card[data-status=ready]").count() == 3
    assert page.get_by_text("Navy shirt").is_visible()
    screenshot(page, "05-closet")
    page.get_by_label("Name or brand").fill("navy")
    page.get_by_role("button", name="Show").click()
    page.wait_for_url("**/closet/?*q=navy*")
    assert page.locator(".item-card").count() == 1

    page.get_by_role("link", name="For you").click()
    cards = page.locator(".product-card")
    assert cards.count() == 12
    first = cards.locator("strong").all_inner_texts()
    screenshot(page, "06-recommendations")
    sets = {tuple(first)}
    for _ in range(4):
        page.get_by_role("link", name="Show me more").click()
        page.wait_for_load_state()
        sets.add(tuple(page.locator(".product-card strong").all_inner_texts()))
    assert len(sets) > 1  # a refresh brings a different set

    page.get_by_role("link", name="Search").click()
    page.get_by_label("What are you looking for?").fill("red shoe")
    page.get_by_role("button", name="Search").click()
    page.wait_for_url("**/search/?q=red+shoe")
    assert page.locator(".product-card strong").first.inner_text().startswith("Red shoe")
    screenshot(page, "07-search")

    page.get_by_role("button", name="Log out").click()
    page.wait_for_url(live_server.url + "/")
    page.goto(live_server.url + reverse("wardrobe:closet"))
    assert "/login/" in page.url
    screenshot(page, "08-login")


def test_a_bad_photo_gets_its_own_error_and_the_rest_still_upload(page, live_server, shop, photos, tmp_path):
    sign_up(page, live_server, "erin")
    bad = tmp_path / "notes.jpg"
    bad.write_text("a shopping list, not a photo")
    page.set_input_files("#photos", [photos[0], str(bad), photos[1]])
    page.get_by_role("button", name="Upload all").click()
    page.wait_for_function("document.querySelectorAll('.queue-status.ok, .queue-status.error').length === 3")
    errors = page.locator(".queue-status.error")
    assert errors.count() == 1 and "not a photo we can read" in errors.inner_text()
    assert WardrobeItem.objects.filter(user__username="erin").count() == 2


def test_items_switch_from_processing_to_ready_without_a_reload(page, live_server, shop, photos):
    sign_up(page, live_server, "fay")
    page.set_input_files("#photos", photos[:1])
    page.get_by_role("button", name="Upload all").click()
    page.wait_for_selector(".queue-status.ok")
    WardrobeItem.objects.filter(user__username="fay").update(status=EmbeddingStatus.PENDING)
    page.goto(live_server.url + reverse("wardrobe:closet"))
    assert page.locator(".item-card[data-status=pending]").count() == 1
    WardrobeItem.objects.filter(user__username="fay").update(status=EmbeddingStatus.READY)
    page.wait_for_selector(".item-card[data-status=ready]", timeout=10_000)


def test_the_plain_form_still_works_without_javascript(chromium, live_server, photos, screenshot):
    context = chromium.new_context(java_script_enabled=False)
    page = context.new_page()
    try:
        sign_up(page, live_server, "gus")
        assert page.locator("#quick-upload").is_hidden()
        page.set_input_files("#id_form-0-image", photos[0])
        page.get_by_label("Name").first.fill("Grey trousers")
        page.get_by_role("button", name="Upload").click()
        page.wait_for_url("**/closet/")
        assert page.get_by_text("Grey trousers").is_visible()
        screenshot(page, "09-no-javascript-closet")
    finally:
        context.close()
    assert Product.objects.count() == 0  # no shop needed for the closet


def test_photos_dropped_on_the_drop_zone_join_the_queue(page, live_server, photos):
    import base64
    from pathlib import Path

    sign_up(page, live_server, "hal")
    files = [{"name": Path(p).name, "data": base64.b64encode(Path(p).read_bytes()).decode()} for p in photos[:2]]
    page.evaluate(
        """files => {
            const transfer = new DataTransfer();
            for (const f of files) {
                const bytes = Uint8Array.from(atob(f.data), c => c.charCodeAt(0));
                transfer.items.add(new File([bytes], f.name, {type: "image/jpeg"}));
            }
            const zone = document.querySelector(".dropzone");
            zone.dispatchEvent(new DragEvent("dragover", {dataTransfer: transfer, bubbles: true, cancelable: true}));
            zone.dispatchEvent(new DragEvent("drop", {dataTransfer: transfer, bubbles: true, cancelable: true}));
        }""",
        files,
    )
    assert page.locator("#queue .queue-item").count() == 2
    page.get_by_role("button", name="Upload all").click()
    page.wait_for_function("document.querySelectorAll('.queue-status.ok').length === 2")
    assert WardrobeItem.objects.filter(user__username="hal").count() == 2
