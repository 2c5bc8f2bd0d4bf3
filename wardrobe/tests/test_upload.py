import io
import re

import pytest
from django.urls import reverse
from PIL import Image

from closetspace.tests.factories import decompression_bomb, photo_bytes, too_thin, truncated_jpeg
from recommender.models import EmbeddingStatus
from wardrobe.models import WardrobeItem


def upload_data(*files, **fields):
    """POST data for the upload formset: one row per (filename, bytes)."""
    data = {
        "form-TOTAL_FORMS": str(max(len(files), 1)),
        "form-INITIAL_FORMS": "0",
        "form-MIN_NUM_FORMS": "0",
        "form-MAX_NUM_FORMS": "20",
    }
    for number, (filename, content) in enumerate(files):
        upload = io.BytesIO(content)
        upload.name = filename
        data[f"form-{number}-image"] = upload
        for key, value in fields.get(f"row{number}", {}).items():
            data[f"form-{number}-{key}"] = value
    return data


def test_it_needs_login(client):
    response = client.get(reverse("wardrobe:upload"))
    assert response.status_code == 302
    assert reverse("login") in response["Location"]


def test_it_uploads_several_photos_with_their_details(alice_client, user, django_capture_on_commit_callbacks):
    data = upload_data(
        ("hoodie.jpg", photo_bytes(colour=(128, 128, 128))),
        ("jeans.png", photo_bytes(colour=(30, 40, 120), format="PNG", shape="trousers")),
        ("shoe.webp", photo_bytes(colour=(200, 30, 30), format="WEBP", shape="shoe")),
        row0={"name": "Grey hoodie", "brand": "Uniqlo", "category": "knitwear"},
        row1={"category": "trousers"},
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = alice_client.post(reverse("wardrobe:upload"), data)
    assert response.status_code == 302
    items = WardrobeItem.objects.for_user(user).order_by("id")
    assert [(i.name, i.brand, i.category) for i in items] == [
        ("Grey hoodie", "Uniqlo", "knitwear"),
        ("", "", "trousers"),
        ("", "", ""),
    ]
    assert {i.status for i in items} == {EmbeddingStatus.READY}
    assert all(len(i.vector) == 1664 for i in items)


def test_it_saves_a_pending_item_and_dispatches_its_embedding_on_commit(
    alice_client, user, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        alice_client.post(reverse("wardrobe:upload"), upload_data(("a.jpg", photo_bytes())))
    item = WardrobeItem.objects.get(user=user)
    assert item.status == EmbeddingStatus.PENDING
    assert len(callbacks) == 1
    callbacks[0]()
    item.refresh_from_db()
    assert item.status == EmbeddingStatus.READY


def test_it_strips_metadata_and_applies_exif_orientation(alice_client, user):
    exif = Image.Exif()
    exif[0x0112] = 6  # orientation: rotate 90° clockwise to display
    exif[0x010F] = "PhoneMaker"
    exif[0x8825] = {1: "N", 2: (52.0, 31.0, 12.0), 3: "E", 4: (13.0, 24.0, 36.0)}  # GPS
    original = photo_bytes(size=(320, 240), exif=exif.tobytes())
    assert b"PhoneMaker" in original
    alice_client.post(reverse("wardrobe:upload"), upload_data(("phone.jpg", original)))
    item = WardrobeItem.objects.get(user=user)
    stored = item.image.open("rb").read()
    assert b"PhoneMaker" not in stored and b"Exif" not in stored
    with Image.open(io.BytesIO(stored)) as image:
        assert image.size == (240, 320)  # upright: the rotation was applied
        assert not image.getexif()
        assert "icc_profile" not in image.info
    with Image.open(item.thumbnail.open("rb")) as thumb:
        assert max(thumb.size) <= 400


def test_it_accepts_heic_photos(alice_client, user):
    import pillow_heif

    heif = pillow_heif.from_pillow(Image.open(io.BytesIO(photo_bytes())))
    buffer = io.BytesIO()
    heif.save(buffer, quality=80)
    response = alice_client.post(reverse("wardrobe:upload"), upload_data(("IMG_0001.HEIC", buffer.getvalue())))
    assert response.status_code == 302
    assert WardrobeItem.objects.for_user(user).count() == 1


@pytest.mark.parametrize(
    "filename, content, message",
    [
        ("notes.jpg", b"this is not a photo, it's a shopping list\n" * 20, "not a photo we can read"),
        ("cut.jpg", truncated_jpeg(), "damaged or cut short"),
        ("line.png", too_thin(), "each side must be at least"),
        ("bomb.png", decompression_bomb(), "too many pixels"),
        ("empty.jpg", b"", "empty"),
        (
            "anim.gif",
            b"GIF89a\x01\x00\x01\x00\x80\x00\x00\x00\x00\x00\xff\xff\xff!\xf9\x04\x01\x00\x00\x00\x00,\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02D\x01\x00;",
            "not supported",
        ),
    ],
)
def test_it_rejects_bad_files_with_a_clear_message(alice_client, user, filename, content, message):
    response = alice_client.post(reverse("wardrobe:upload"), upload_data((filename, content)))
    assert response.status_code == 400
    assert message in response.content.decode()
    assert filename in response.content.decode()
    assert not WardrobeItem.objects.exists()


def test_it_rejects_an_oversized_upload(alice_client, settings):
    settings.UPLOAD_MAX_BYTES = 10_000
    response = alice_client.post(reverse("wardrobe:upload"), upload_data(("big.jpg", photo_bytes(size=(1200, 1600)))))
    assert response.status_code == 400
    assert "photos can be at most 9.8\xa0KB" in response.content.decode()
    assert not WardrobeItem.objects.exists()


def test_it_rejects_an_unknown_category(alice_client):
    data = upload_data(("a.jpg", photo_bytes()), row0={"category": "spacesuit"})
    response = alice_client.post(reverse("wardrobe:upload"), data)
    assert response.status_code == 400
    assert "Select a valid choice" in response.content.decode()
    assert not WardrobeItem.objects.exists()


def test_it_keeps_the_good_photos_and_the_typed_details_when_one_is_bad(alice_client, user):
    data = upload_data(
        ("good.jpg", photo_bytes()),
        ("bad.jpg", b"not an image at all" * 10),
        row1={"name": "Red scarf", "brand": "Acne"},
    )
    response = alice_client.post(reverse("wardrobe:upload"), data)
    assert response.status_code == 400
    page = response.content.decode()
    assert "bad.jpg: This file is not a photo we can read" in page
    assert 'value="Red scarf"' in page and 'value="Acne"' in page
    assert "Added 1 photo" in page
    assert WardrobeItem.objects.for_user(user).count() == 1


def test_it_asks_for_a_photo_when_none_was_chosen(alice_client):
    response = alice_client.post(reverse("wardrobe:upload"), upload_data(), follow=True)
    assert "Choose at least one photo" in response.content.decode()
    assert not WardrobeItem.objects.exists()


def test_it_offers_more_rows_up_to_the_limit(alice_client, settings):
    rows = re.compile(r'name="form-\d+-image"')
    page = alice_client.get(reverse("wardrobe:upload"), {"rows": "8"}).content.decode()
    assert len(rows.findall(page)) == 8 and "?rows=12" in page
    page = alice_client.get(reverse("wardrobe:upload"), {"rows": "500"}).content.decode()
    assert len(rows.findall(page)) == settings.UPLOAD_MAX_FILES and "More rows" not in page


def test_too_many_files_in_one_request_get_a_clear_page(alice_client, settings):
    files = [(f"p{n}.jpg", photo_bytes(size=(64, 64))) for n in range(settings.DATA_UPLOAD_MAX_NUMBER_FILES + 1)]
    response = alice_client.post(reverse("wardrobe:upload"), upload_data(*files))
    assert response.status_code == 400
    assert "too many photos at once" in response.content.decode()
    assert not WardrobeItem.objects.exists()
