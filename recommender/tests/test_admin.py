import io

import pytest
from django.core.files.storage import default_storage
from django.urls import reverse
from PIL import Image

from closetspace.photos import read_photo
from closetspace.tests.factories import photo_bytes, product
from recommender import embeddings, services
from recommender.models import EmbeddingStatus, Product

pytestmark = pytest.mark.django_db

CHANGELIST = "admin:recommender_product_changelist"


def shop_product(name, *, photo=True, **fields):
    """An embedded product, with a stored photo and thumbnail unless photo=False."""
    item = product(name, vector=[1.0] * embeddings.DIM, **fields)
    if photo:
        services.product_set_photo(product=item, photo=read_photo(io.BytesIO(photo_bytes())))
        item.save()
    return item


def upload(filename, content):
    file = io.BytesIO(content)
    file.name = filename
    return file


def product_form(**fields):
    return {
        "name": "",
        "brand": "",
        "category": "",
        "gender": "",
        "colour": "",
        "description": "",
        "price": "",
        "url": "",
        "is_active": "on",
        "external_id": "",
        **fields,
    }


def listed(response):
    return sorted(item.name for item in response.context["cl"].result_list)


def stored(field):
    with field.open("rb") as handle:
        data = handle.read()
    image = Image.open(io.BytesIO(data))
    image.load()
    return data, image


# The changelist


def test_the_changelist_shows_thumbnails_and_embedding_state(admin_client):
    shirt = shop_product("Navy oxford shirt")
    shop_product("Linen trousers", photo=False)
    Product.objects.create(name="Wool coat")  # pending
    Product.objects.create(name="Silk scarf", status=EmbeddingStatus.FAILED, error="Nothing to <embed>")

    response = admin_client.get(reverse(CHANGELIST))

    assert response.status_code == 200
    html = response.content.decode()
    assert f'<img src="{shirt.thumbnail.url}"' in html
    assert html.count('<img src="/media/') == 1  # the photoless products show a dash instead
    assert '<td class="field-embedding_state">ready</td>' in html
    assert '<td class="field-embedding_state">processing</td>' in html
    assert '<span title="Nothing to &lt;embed&gt;">failed</span>' in html
    assert default_storage.exists(shirt.thumbnail.name)


@pytest.mark.parametrize(
    "query, expected",
    [
        ("status__exact=ready", ["Navy oxford shirt"]),
        ("status__exact=pending", ["Wool coat"]),
        ("is_active__exact=0", ["Old sandals"]),
        ("is_active__exact=1", ["Navy oxford shirt", "Wool coat"]),
        ("gender__exact=Women", ["Wool coat"]),
        ("category__exact=Shoes", ["Old sandals"]),
    ],
)
def test_the_changelist_filters(admin_client, query, expected):
    shop_product("Navy oxford shirt", photo=False, gender="Men")
    Product.objects.create(name="Wool coat", gender="Women", category="Coats")
    Product.objects.create(name="Old sandals", is_active=False, status=EmbeddingStatus.FAILED, category="Shoes")

    response = admin_client.get(reverse(CHANGELIST) + "?" + query)

    assert response.status_code == 200
    assert listed(response) == expected


@pytest.mark.parametrize(
    "q, expected",
    [
        ("puma", ["Puma Men's Calibre Shoe"]),  # brand and name, any case
        ("oxford", ["Navy oxford shirt"]),
        ("15970", ["Navy oxford shirt"]),  # the catalogue's id
        ("clothsy.example", ["Wool scarf"]),  # the shop URL
        ("nothing like it", []),
    ],
)
def test_the_changelist_searches(admin_client, q, expected):
    Product.objects.create(name="Puma Men's Calibre Shoe", brand="Puma")
    Product.objects.create(name="Navy oxford shirt", external_id="15970")
    Product.objects.create(name="Wool scarf", url="https://clothsy.example/p/scarf")

    response = admin_client.get(reverse(CHANGELIST), {"q": q})

    assert listed(response) == expected


@pytest.mark.parametrize("count", [1, 30])
def test_the_changelist_makes_a_bounded_number_of_queries(admin_client, django_assert_max_num_queries, count):
    for number in range(count):
        shop_product(
            f"Shirt {number}",
            brand=f"Brand {number}",
            category=f"Category {number % 7}",
            gender=["Men", "Women"][number % 2],
        )
    admin_client.get(reverse(CHANGELIST))  # the session and permissions, cached after the first page

    with django_assert_max_num_queries(8):
        response = admin_client.get(reverse(CHANGELIST))

    assert len(response.context["cl"].result_list) == count


def test_the_changelist_does_not_load_the_embeddings(admin_client, django_assert_max_num_queries):
    shop_product("Navy oxford shirt")

    with django_assert_max_num_queries(8) as queries:
        admin_client.get(reverse(CHANGELIST))

    product_queries = [q["sql"] for q in queries.captured_queries if 'FROM "recommender_product"' in q["sql"]]
    assert product_queries
    assert not any('"embedding"' in sql for sql in product_queries)


# Adding and changing a product


def test_it_adds_a_product_with_a_photo_stored_as_clean_jpeg_and_embeds_it(
    admin_client, django_capture_on_commit_callbacks
):
    exif = Image.Exif()
    exif[0x010F] = "StudioCamera"
    original = photo_bytes(size=(900, 1200), format="JPEG", exif=exif.tobytes())
    data = product_form(
        name="Navy oxford shirt", brand="Turtle", category="Shirts", price="39.90", image=upload("shirt.jpg", original)
    )

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = admin_client.post(reverse("admin:recommender_product_add"), data)
    shirt = Product.objects.get()
    assert response.status_code == 302
    assert shirt.status == EmbeddingStatus.PENDING  # embedded once the transaction commits
    for callback in callbacks:
        callback()

    shirt.refresh_from_db()
    assert (shirt.name, shirt.brand, shirt.category, str(shirt.price)) == (
        "Navy oxford shirt",
        "Turtle",
        "Shirts",
        "39.90",
    )
    assert shirt.external_id is None
    content, photo = stored(shirt.image)
    assert photo.format == "JPEG" and photo.size == (900, 1200)
    assert b"StudioCamera" not in content and b"Exif" not in content
    _, thumbnail = stored(shirt.thumbnail)
    assert thumbnail.format == "JPEG" and thumbnail.size == (300, 400)
    assert shirt.image.name.startswith("products/") and not shirt.image.name.endswith("shirt.jpg")
    assert shirt.status == EmbeddingStatus.READY
    assert shirt.vector.shape == (1664,)
    assert shirt.vector[: embeddings.IMAGE_DIM].any() and shirt.vector[embeddings.IMAGE_DIM :].any()


def test_it_re_encodes_an_uploaded_png_as_jpeg(admin_client, django_capture_on_commit_callbacks):
    data = product_form(name="White tee", image=upload("tee.png", photo_bytes(colour=(250, 250, 250), format="PNG")))

    with django_capture_on_commit_callbacks(execute=True):
        admin_client.post(reverse("admin:recommender_product_add"), data)

    tee = Product.objects.get()
    assert stored(tee.image)[1].format == "JPEG" and tee.image.name.endswith(".jpg")
    assert stored(tee.thumbnail)[1].format == "JPEG"
    assert tee.status == EmbeddingStatus.READY


def test_it_adds_a_product_without_a_photo_embedded_from_its_text(admin_client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        admin_client.post(reverse("admin:recommender_product_add"), product_form(name="Wool scarf", colour="Grey"))
    with django_capture_on_commit_callbacks(execute=True):
        admin_client.post(reverse("admin:recommender_product_add"), product_form(name="Silk scarf"))

    assert Product.objects.count() == 2  # two blank catalogue ids do not collide
    for scarf in Product.objects.all():
        assert not scarf.image and not scarf.thumbnail
        assert scarf.status == EmbeddingStatus.READY
        assert not scarf.vector[: embeddings.IMAGE_DIM].any()


@pytest.mark.parametrize(
    "filename, content, message",
    [
        ("shirt.jpg", b"just some text, not a photo at all", "Upload a valid image"),
        ("tiny.jpg", photo_bytes(size=(20, 20)), "each side must be at least 32 pixels"),
        ("shirt.gif", photo_bytes(format="GIF"), "GIF files are not supported"),
    ],
)
def test_it_rejects_an_upload_that_is_not_a_usable_photo(admin_client, filename, content, message):
    response = admin_client.post(
        reverse("admin:recommender_product_add"), product_form(name="Shirt", image=upload(filename, content))
    )

    assert response.status_code == 200
    assert message in " ".join(response.context["adminform"].form.errors["image"])
    assert Product.objects.count() == 0
    assert not (default_storage.exists("products") and default_storage.listdir("products")[1])


def test_it_replaces_a_photo_and_deletes_the_old_files_after_commit(admin_client, django_capture_on_commit_callbacks):
    shirt = shop_product("Navy oxford shirt")
    old_image, old_thumbnail = shirt.image.name, shirt.thumbnail.name
    data = product_form(
        name="Navy oxford shirt", category="Shirts", image=upload("new.jpg", photo_bytes(colour=(200, 30, 30)))
    )

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = admin_client.post(reverse("admin:recommender_product_change", args=[shirt.id]), data)
    assert response.status_code == 302
    assert default_storage.exists(old_image)
    for callback in callbacks:
        callback()

    shirt.refresh_from_db()
    assert shirt.image.name not in (old_image, "") and shirt.thumbnail.name not in (old_thumbnail, "")
    assert not default_storage.exists(old_image) and not default_storage.exists(old_thumbnail)
    assert default_storage.exists(shirt.image.name) and default_storage.exists(shirt.thumbnail.name)
    assert shirt.status == EmbeddingStatus.READY


def test_it_clears_a_photo_and_its_thumbnail(admin_client, django_capture_on_commit_callbacks):
    shirt = shop_product("Navy oxford shirt")
    old_image, old_thumbnail = shirt.image.name, shirt.thumbnail.name

    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            reverse("admin:recommender_product_change", args=[shirt.id]),
            product_form(name="Navy oxford shirt", category="Shirts", **{"image-clear": "on"}),
        )

    assert response.status_code == 302
    shirt.refresh_from_db()
    assert not shirt.image and not shirt.thumbnail
    assert not default_storage.exists(old_image) and not default_storage.exists(old_thumbnail)
    assert shirt.status == EmbeddingStatus.READY
    assert not shirt.vector[: embeddings.IMAGE_DIM].any()  # embedded again, from the text only


def test_changing_the_name_re_embeds_the_product(admin_client, django_capture_on_commit_callbacks):
    shirt = shop_product("Navy oxford shirt")
    before = shirt.vector.tobytes()

    with django_capture_on_commit_callbacks(execute=True):
        admin_client.post(
            reverse("admin:recommender_product_change", args=[shirt.id]),
            product_form(name="Red flannel shirt", category="Shirts"),
        )

    shirt.refresh_from_db()
    assert shirt.name == "Red flannel shirt"
    assert shirt.image  # the photo stays when no new one is uploaded
    assert shirt.status == EmbeddingStatus.READY and shirt.embedded_at is not None
    assert shirt.vector.tobytes() != before


def test_changing_only_the_price_keeps_the_embedding(admin_client, django_capture_on_commit_callbacks):
    shirt = shop_product("Navy oxford shirt")
    services.products_embed(product_ids=[shirt.id])
    shirt.refresh_from_db()

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        admin_client.post(
            reverse("admin:recommender_product_change", args=[shirt.id]),
            product_form(name="Navy oxford shirt", category="Shirts", price="25.00"),
        )

    after = Product.objects.get(id=shirt.id)
    assert str(after.price) == "25.00"
    assert after.status == EmbeddingStatus.READY
    assert after.embedded_at == shirt.embedded_at
    assert callbacks == []


# Actions


def test_the_re_embed_action_sets_the_products_pending_and_re_embeds_them(
    admin_client, django_capture_on_commit_callbacks
):
    shirt, coat, scarf = shop_product("Navy shirt"), shop_product("Wool coat", photo=False), shop_product("Scarf")
    data = {"action": "reembed", "_selected_action": [shirt.id, coat.id]}

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = admin_client.post(reverse(CHANGELIST), data, follow=True)
    assert "Re-embedding 2 product(s)." in response.content.decode()
    assert set(Product.objects.filter(id__in=[shirt.id, coat.id]).values_list("status", flat=True)) == {
        EmbeddingStatus.PENDING
    }
    for callback in callbacks:
        callback()

    for item in Product.objects.filter(id__in=[shirt.id, coat.id]):
        assert item.status == EmbeddingStatus.READY and item.embedded_at is not None
        assert item.vector.tobytes() != shirt.vector.tobytes()  # the encoder's vector, not the factory's
    untouched = Product.objects.get(id=scarf.id)
    assert untouched.embedded_at is None  # the factory's vector, never re-embedded
    assert untouched.status == EmbeddingStatus.READY


def test_the_re_embed_action_retries_a_failed_product(admin_client, django_capture_on_commit_callbacks):
    coat = Product.objects.create(name="Wool coat", status=EmbeddingStatus.FAILED, error="worker lost")

    with django_capture_on_commit_callbacks(execute=True):
        admin_client.post(reverse(CHANGELIST), {"action": "reembed", "_selected_action": [coat.id]})

    coat.refresh_from_db()
    assert (coat.status, coat.error) == (EmbeddingStatus.READY, "")


def test_the_deactivate_and_activate_actions(admin_client):
    shirt, coat = shop_product("Navy shirt"), shop_product("Wool coat")
    shop_product("Scarf")

    response = admin_client.post(
        reverse(CHANGELIST), {"action": "deactivate", "_selected_action": [shirt.id, coat.id]}, follow=True
    )

    assert "Deactivated 2 product(s)." in response.content.decode()
    assert list(Product.objects.active().values_list("name", flat=True)) == ["Scarf"]

    response = admin_client.post(
        reverse(CHANGELIST), {"action": "activate", "_selected_action": [coat.id]}, follow=True
    )

    assert "Activated 1 product(s)." in response.content.decode()
    assert sorted(Product.objects.active().values_list("name", flat=True)) == ["Scarf", "Wool coat"]
    assert Product.objects.get(id=coat.id).status == EmbeddingStatus.READY  # no re-embedding needed


def test_taking_a_product_off_sale_in_the_list_keeps_its_embedding(admin_client, django_capture_on_commit_callbacks):
    shirt = shop_product("Navy shirt")
    data = {
        "form-TOTAL_FORMS": "1",
        "form-INITIAL_FORMS": "1",
        "form-MIN_NUM_FORMS": "0",
        "form-MAX_NUM_FORMS": "1000",
        "form-0-id": str(shirt.id),
        "_save": "Save",
    }

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = admin_client.post(reverse(CHANGELIST), data)

    assert response.status_code == 302
    shirt_after = Product.objects.get(id=shirt.id)
    assert not shirt_after.is_active
    assert shirt_after.status == EmbeddingStatus.READY and shirt_after.embedded_at is None
    assert callbacks == []


# Wardrobe items


def test_the_wardrobe_item_admin_does_not_allow_adding_items(admin_client):
    assert admin_client.get(reverse("admin:wardrobe_wardrobeitem_add")).status_code == 403
    response = admin_client.get(reverse("admin:wardrobe_wardrobeitem_changelist"))
    assert response.status_code == 200
    assert reverse("admin:wardrobe_wardrobeitem_add") not in response.content.decode()
