import csv
import io
from decimal import Decimal
from unittest import mock

import numpy as np
import pytest
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.core.management.base import CommandError
from PIL import Image

from closetspace.tests.factories import photo_bytes
from recommender import embeddings, index, tasks
from recommender.models import EmbeddingStatus, Product

pytestmark = pytest.mark.django_db

STYLES = [
    "id",
    "gender",
    "masterCategory",
    "subCategory",
    "articleType",
    "baseColour",
    "season",
    "year",
    "usage",
    "productDisplayName",
]
CLOTHSY = ["url", "title", "description"]


def styles_row(id, name, **fields):
    return {
        "id": str(id),
        "gender": "Men",
        "masterCategory": "Apparel",
        "subCategory": "Topwear",
        "articleType": "Tshirts",
        "baseColour": "Navy Blue",
        "season": "Summer",
        "year": "2012",
        "usage": "Casual",
        "productDisplayName": name,
        **fields,
    }


def write_csv(path, header, rows):
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=header)
        writer.writeheader()
        writer.writerows(rows)
    return path


def write_styles(folder, rows, photos=None, header=STYLES):
    """A styles.csv in `folder`, with each photo (name -> bytes) written beside it."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, content in (photos or {}).items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_bytes(content)
    return write_csv(folder / "styles.csv", header, rows)


def two_shirts(folder):
    return write_styles(
        folder,
        [
            styles_row(15970, "Turtle Check Men Navy Blue Shirt", articleType="Shirts"),
            styles_row(
                39386,
                "Peter England Men Party Blue Jeans",
                articleType="Jeans",
                baseColour="Blue",
                subCategory="Bottomwear",
            ),
        ],
        photos={
            "15970.jpg": photo_bytes(colour=(20, 30, 90)),
            "39386.jpg": photo_bytes(colour=(60, 90, 160), shape="trousers"),
        },
    )


def run(path, *args, **options):
    out, err = io.StringIO(), io.StringIO()
    call_command("import_inventory", str(path), *args, stdout=out, stderr=err, **options)
    return out.getvalue(), err.getvalue()


def stored_jpeg(field):
    with field.open("rb") as handle:
        data = handle.read()
    image = Image.open(io.BytesIO(data))
    image.load()
    return data, image


# Fashion Product Images styles.csv


@pytest.mark.django_db(transaction=True)
def test_it_imports_a_styles_csv_with_photos_and_embeds_every_product(tmp_path):
    path = write_styles(
        tmp_path / "catalogue",
        [
            styles_row(
                1163,
                "Puma Men's Calibre Shoe",
                gender="Men",
                masterCategory="Footwear",
                subCategory="Shoes",
                articleType="Casual Shoes",
                baseColour="Black",
                season="Fall",
            ),
            styles_row(
                2051,
                "Fabindia Women Red Kurta",
                gender="Women",
                articleType="Kurtas",
                baseColour="Red",
                usage="Ethnic",
                season="NA",
            ),
        ],
        photos={
            "1163.jpg": photo_bytes(colour=(10, 10, 10), shape="shoe"),
            "2051.jpg": photo_bytes(colour=(200, 20, 20)),
        },
    )

    out, _ = run(path)

    assert "2 created, 0 updated, 0 unchanged." in out
    assert "Embedded 2 product(s)." in out
    shoe = Product.objects.get(external_id="1163")
    assert (shoe.name, shoe.brand, shoe.category, shoe.gender, shoe.colour) == (
        "Puma Men's Calibre Shoe",
        "Puma",
        "Casual Shoes",
        "Men",
        "Black",
    )
    assert shoe.description == "Footwear, Shoes, Casual, Fall"
    assert Product.objects.get(external_id="2051").description == "Apparel, Topwear, Ethnic"  # "NA" left out
    for product in Product.objects.all():
        assert product.is_active
        assert product.status == EmbeddingStatus.READY
        assert product.encoder_version == embeddings.current_version()
        assert product.vector.shape == (embeddings.DIM,) == (1664,)
        assert np.linalg.norm(product.vector) == pytest.approx(1.0, abs=1e-5)
        assert product.vector[: embeddings.IMAGE_DIM].any()  # the photo went into the vector
        assert product.vector[embeddings.IMAGE_DIM :].any()  # and so did the text
        assert stored_jpeg(product.image)[1].format == "JPEG"
        assert stored_jpeg(product.thumbnail)[1].format == "JPEG"
        assert product.image.name.startswith("products/") and product.thumbnail.name.startswith("products/thumbs/")


def test_it_stores_clean_jpeg_copies_of_the_catalogue_photos(tmp_path):
    exif = Image.Exif()
    exif[0x010F] = "StudioCamera"
    exif[0x8825] = {1: "N", 2: (52.0, 31.0, 12.0), 3: "E", 4: (13.0, 24.0, 36.0)}  # GPS
    original = photo_bytes(size=(600, 800), exif=exif.tobytes())
    assert b"StudioCamera" in original
    path = write_styles(tmp_path, [styles_row(7, "Roadster Men Grey Shirt")], photos={"7.jpg": original})

    run(path)

    shirt = Product.objects.get(external_id="7")
    data, photo = stored_jpeg(shirt.image)
    assert photo.format == "JPEG" and photo.size == (600, 800)
    assert b"StudioCamera" not in data and b"Exif" not in data
    assert not photo.getexif()
    data, thumbnail = stored_jpeg(shirt.thumbnail)
    assert thumbnail.format == "JPEG" and thumbnail.size == (300, 400)
    assert b"Exif" not in data


def test_it_uses_the_filename_column_when_the_catalogue_has_one(tmp_path):
    path = write_styles(
        tmp_path,
        [
            styles_row(1, "Nike Men White Tshirt", filename="images/white-tee.png"),
            styles_row(2, "Nike Men Black Tshirt", filename=""),
        ],  # empty: falls back to <id>.jpg
        photos={
            "images/white-tee.png": photo_bytes(colour=(250, 250, 250), format="PNG"),
            "2.jpg": photo_bytes(colour=(5, 5, 5)),
        },
        header=STYLES + ["filename"],
    )

    out, err = run(path)

    assert "2 created" in out
    assert err.count("line") == 0
    for product in Product.objects.all():
        assert stored_jpeg(product.image)[1].format == "JPEG"  # the PNG was re-encoded too
        assert product.thumbnail
        assert product.status == EmbeddingStatus.READY


def test_it_reads_the_columns_by_name_in_any_order(tmp_path):
    header = [
        "productDisplayName",
        "id",
        "articleType",
        "gender",
        "baseColour",
        "masterCategory",
        "subCategory",
        "season",
        "year",
        "usage",
        "link",
    ]
    row = {**styles_row(5, "Wrangler Men Blue Jeans", articleType="Jeans", baseColour="Blue"), "link": "x"}
    run(write_styles(tmp_path, [row], photos={"5.jpg": photo_bytes()}, header=header))

    jeans = Product.objects.get(external_id="5")
    assert (jeans.name, jeans.brand, jeans.category, jeans.colour) == (
        "Wrangler Men Blue Jeans",
        "Wrangler",
        "Jeans",
        "Blue",
    )


@pytest.mark.parametrize(
    "name, brand",
    [
        ("Puma Men's Calibre Shoe", "Puma"),
        ("United Colors of Benetton Women Solid Top", "United Colors of Benetton"),
        ("Fabindia Unisex Cotton Scarf", "Fabindia"),
        ("Gini and Jony Girls Pink Frock", "Gini and Jony"),
        ("Men Blue Slim Jeans", ""),  # no words before the gender: no brand
        ("Classic Leather Belt", ""),  # no gender word at all: no guess
    ],
)
def test_it_takes_the_brand_from_the_words_before_the_gender(tmp_path, name, brand):
    run(write_styles(tmp_path, [styles_row(1, name)], photos={"1.jpg": photo_bytes()}))

    assert Product.objects.get().brand == brand


def test_it_reads_quoted_names_with_commas_and_a_byte_order_mark(tmp_path):
    text = (
        ",".join(STYLES)
        + "\r\n"
        + '42,Women,Apparel,Topwear,Tops,White,Summer,2013,Casual,"Vero Moda Women\'s Top, White"\r\n'
    )
    (tmp_path / "styles.csv").write_bytes(b"\xef\xbb\xbf" + text.encode("utf-8"))  # as Excel saves it
    (tmp_path / "42.jpg").write_bytes(photo_bytes())

    run(tmp_path / "styles.csv")

    top = Product.objects.get(external_id="42")
    assert (top.name, top.brand, top.category) == ("Vero Moda Women's Top, White", "Vero Moda", "Tops")


# The url,title,description export


def test_it_imports_a_url_title_description_csv_as_text_only_products(tmp_path):
    path = write_csv(
        tmp_path / "clothsy.csv",
        CLOTHSY,
        [
            {
                "url": "https://clothsy.example/p/linen-shirt",
                "title": "Linen shirt",
                "description": "Loose, white, summer",
            },
            {"url": "https://clothsy.example/p/wool-coat", "title": "Wool coat", "description": ""},
        ],
    )

    out, _ = run(path)

    assert "2 created, 0 updated, 0 unchanged." in out
    shirt = Product.objects.get(external_id="https://clothsy.example/p/linen-shirt")
    assert (shirt.name, shirt.description, shirt.url) == (
        "Linen shirt",
        "Loose, white, summer",
        "https://clothsy.example/p/linen-shirt",
    )
    for product in Product.objects.all():
        assert not product.image and not product.thumbnail
        assert product.status == EmbeddingStatus.READY
        assert not product.vector[: embeddings.IMAGE_DIM].any()  # text only
        assert product.vector[embeddings.IMAGE_DIM :].any()


def test_it_merges_repeated_urls_into_one_product(tmp_path):
    url = "https://clothsy.example/p/denim-jacket"
    path = write_csv(
        tmp_path / "clothsy.csv",
        CLOTHSY,
        [
            {"url": url, "title": "Denim jacket", "description": "first listing"},
            {"url": "https://clothsy.example/p/scarf", "title": "Scarf", "description": ""},
            {"url": url, "title": "Denim jacket, washed", "description": "second listing"},
        ],
    )

    out, _ = run(path)

    assert "2 created, 0 updated, 0 unchanged, 1 repeated ids merged." in out
    assert Product.objects.count() == 2
    jacket = Product.objects.get(external_id=url)
    assert (jacket.name, jacket.description) == ("Denim jacket, washed", "second listing")  # the last line wins


def test_it_refuses_a_web_address_too_long_to_store(tmp_path):
    path = write_csv(
        tmp_path / "clothsy.csv",
        CLOTHSY,
        [{"url": "https://clothsy.example/p/shirt?q=" + "x" * 1000, "title": "Shirt", "description": ""}],
    )

    with pytest.raises(CommandError, match="line 2: the web address is longer than 1000 characters"):
        run(path)

    assert Product.objects.count() == 0


@pytest.mark.parametrize(
    "column, length, message",
    [
        ("id", 201, "the id is longer than 200 characters"),
        ("articleType", 121, "articleType is longer than 120 characters"),
        ("gender", 41, "gender is longer than 40 characters"),
        ("baseColour", 61, "baseColour is longer than 60 characters"),
    ],
)
def test_it_refuses_a_value_too_long_to_store(tmp_path, column, length, message):
    path = write_styles(
        tmp_path, [styles_row(1, "Nike Men Shirt"), {**styles_row(2, "Nike Men Shirt"), column: "x" * length}]
    )

    with pytest.raises(CommandError, match=f"line 3: {message}"):
        run(path)

    assert Product.objects.count() == 0


def test_it_keeps_distinct_long_urls_apart(tmp_path):
    stem = "https://clothsy.example/p/shirt?" + "utm_source=newsletter&" * 10
    first, second = stem + "variant=blue", stem + "variant=red"
    assert len(stem) > 200
    path = write_csv(
        tmp_path / "clothsy.csv",
        CLOTHSY,
        [
            {"url": first, "title": "Shirt, blue", "description": ""},
            {"url": second, "title": "Shirt, red", "description": ""},
        ],
    )

    run(path)
    out, _ = run(path)

    assert sorted(Product.objects.values_list("url", flat=True)) == [first, second]
    assert "0 created, 0 updated, 2 unchanged." in out


# Running an import again


def test_running_the_same_import_twice_changes_nothing(tmp_path):
    path = two_shirts(tmp_path)
    run(path)
    before = {
        p.external_id: (p.id, p.embedded_at, p.updated_at, p.image.name, p.thumbnail.name)
        for p in Product.objects.all()
    }
    files = sorted(p.name for p in (tmp_path / "media").rglob("*") if p.is_file())

    out, _ = run(path)

    assert "0 created, 0 updated, 2 unchanged." in out
    assert "Embedded" not in out
    assert Product.objects.count() == 2
    after = {
        p.external_id: (p.id, p.embedded_at, p.updated_at, p.image.name, p.thumbnail.name)
        for p in Product.objects.all()
    }
    assert after == before
    assert sorted(p.name for p in (tmp_path / "media").rglob("*") if p.is_file()) == files


def test_it_updates_and_re_embeds_only_the_row_that_changed(tmp_path):
    path = two_shirts(tmp_path)
    run(path)
    before = {p.external_id: p for p in Product.objects.all()}
    write_styles(
        tmp_path,
        [
            styles_row(15970, "Turtle Check Men Navy Blue Flannel Shirt", articleType="Shirts"),
            styles_row(
                39386,
                "Peter England Men Party Blue Jeans",
                articleType="Jeans",
                baseColour="Blue",
                subCategory="Bottomwear",
            ),
        ],
    )

    out, _ = run(path)

    assert "0 created, 1 updated, 1 unchanged." in out
    assert "Embedded 1 product(s)." in out
    changed, same = Product.objects.get(external_id="15970"), Product.objects.get(external_id="39386")
    assert changed.id == before["15970"].id
    assert changed.name == "Turtle Check Men Navy Blue Flannel Shirt"
    assert changed.status == EmbeddingStatus.READY
    assert changed.embedded_at > before["15970"].embedded_at
    assert changed.vector.tobytes() != before["15970"].vector.tobytes()
    assert changed.image.name == before["15970"].image.name  # same photo, kept as it was
    assert same.embedded_at == before["39386"].embedded_at


def test_it_replaces_a_changed_photo_and_deletes_the_old_files_after_commit(
    tmp_path, django_capture_on_commit_callbacks
):
    path = two_shirts(tmp_path)
    with django_capture_on_commit_callbacks(execute=True):
        run(path)
    old = Product.objects.get(external_id="15970")
    (tmp_path / "15970.jpg").write_bytes(photo_bytes(colour=(220, 180, 20)))

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        out, _ = run(path)
        new = Product.objects.get(external_id="15970")
        assert default_storage.exists(old.image.name)  # still there until the transaction commits
    for callback in callbacks:
        callback()

    assert "0 created, 1 updated, 1 unchanged." in out
    assert new.image.name != old.image.name and new.thumbnail.name != old.thumbnail.name
    assert not default_storage.exists(old.image.name)
    assert not default_storage.exists(old.thumbnail.name)
    assert default_storage.exists(new.image.name) and default_storage.exists(new.thumbnail.name)
    assert new.embedded_at > old.embedded_at
    assert new.vector[: embeddings.IMAGE_DIM].tobytes() != old.vector[: embeddings.IMAGE_DIM].tobytes()
    assert Product.objects.get(external_id="39386").image  # the other product's files were left alone
    assert default_storage.exists(Product.objects.get(external_id="39386").image.name)


def test_a_changed_photo_that_cannot_be_read_leaves_the_old_one_in_place(tmp_path):
    path = two_shirts(tmp_path)
    run(path)
    old = Product.objects.get(external_id="15970")
    (tmp_path / "15970.jpg").write_bytes(photo_bytes()[:300])  # cut short

    out, err = run(path)

    assert "0 created, 0 updated, 2 unchanged." in out
    assert "line 2" in err and "15970.jpg" in err
    kept = Product.objects.get(external_id="15970")
    assert kept.image.name == old.image.name and default_storage.exists(kept.image.name)
    assert kept.embedded_at == old.embedded_at


def test_a_re_import_keeps_what_the_shop_added_that_the_catalogue_does_not_have(tmp_path):
    path = two_shirts(tmp_path / "styles")
    clothsy = write_csv(
        tmp_path / "clothsy.csv",
        CLOTHSY,
        [{"url": "https://clothsy.example/p/a", "title": "Wool scarf", "description": "Warm"}],
    )
    run(path)
    run(clothsy)
    Product.objects.filter(external_id="15970").update(price="39.90", url="https://shop.example/turtle-shirt")
    Product.objects.filter(external_id="https://clothsy.example/p/a").update(
        price="12.00", brand="Clothsy", category="Scarves", gender="Unisex", colour="Grey"
    )

    out_styles, _ = run(path)
    out_clothsy, _ = run(clothsy)

    assert "0 created, 0 updated, 2 unchanged." in out_styles
    assert "0 created, 0 updated, 1 unchanged." in out_clothsy
    shirt = Product.objects.get(external_id="15970")
    assert (shirt.price, shirt.url) == (Decimal("39.90"), "https://shop.example/turtle-shirt")
    scarf = Product.objects.get(external_id="https://clothsy.example/p/a")
    assert (scarf.price, scarf.brand, scarf.category, scarf.gender, scarf.colour) == (
        Decimal("12.00"),
        "Clothsy",
        "Scarves",
        "Unisex",
        "Grey",
    )


def test_a_re_import_does_not_reactivate_a_product_the_shop_took_off_sale(tmp_path):
    path = two_shirts(tmp_path)
    run(path)
    Product.objects.filter(external_id="15970").update(is_active=False)

    out, _ = run(path)

    assert "2 unchanged" in out
    assert not Product.objects.get(external_id="15970").is_active


# Bad input


@pytest.mark.parametrize(
    "bad_line, message",
    [
        (
            "3,Men,Apparel,Topwear,Shirts,Blue,Summer,2012,Casual,Nike Men Shirt,extra",
            "line 3: expected 10 fields, found 11",
        ),
        ("3,Men,Apparel,Topwear,Shirts", "line 3: expected 10 fields, found 5"),
        (",Men,Apparel,Topwear,Shirts,Blue,Summer,2012,Casual,Nike Men Shirt", "line 3: the id is empty"),
        ("3,Men,Apparel,Topwear,Shirts,Blue,Summer,2012,Casual,", "line 3: productDisplayName is empty"),
    ],
)
def test_a_malformed_row_stops_the_import_naming_its_line(tmp_path, bad_line, message):
    good = "1,Men,Apparel,Topwear,Shirts,Blue,Summer,2012,Casual,Nike Men Blue Shirt"
    (tmp_path / "styles.csv").write_text(",".join(STYLES) + "\n" + good + "\n" + bad_line + "\n")
    (tmp_path / "1.jpg").write_bytes(photo_bytes())

    with pytest.raises(CommandError, match=message) as caught:
        run(tmp_path / "styles.csv")

    assert "nothing was imported" in str(caught.value)
    assert Product.objects.count() == 0
    assert not (tmp_path / "media").exists() or not any(p.is_file() for p in (tmp_path / "media").rglob("*"))


def test_it_lists_every_malformed_row(tmp_path):
    path = write_csv(
        tmp_path / "clothsy.csv",
        CLOTHSY,
        [
            {"url": "not a url", "title": "Shirt", "description": ""},
            {"url": "https://clothsy.example/p/ok", "title": "Fine", "description": ""},
            {"url": "ftp://clothsy.example/p/x", "title": "Shirt", "description": ""},
            {"url": "https://clothsy.example/p/untitled", "title": "", "description": ""},
        ],
    )

    with pytest.raises(CommandError) as caught:
        run(path)

    message = str(caught.value)
    assert "3 malformed row(s)" in message
    assert "line 2: 'not a url' is not a web address" in message
    assert "line 4: 'ftp://clothsy.example/p/x' is not a web address" in message
    assert "line 5: the title is empty" in message
    assert Product.objects.count() == 0


def test_line_numbers_count_the_lines_of_quoted_multi_line_fields(tmp_path):
    path = write_csv(
        tmp_path / "clothsy.csv",
        CLOTHSY,
        [
            {"url": "https://clothsy.example/p/a", "title": "Shirt", "description": "Soft.\nWashes well."},
            {"url": "nowhere", "title": "Coat", "description": ""},
        ],
    )

    with pytest.raises(CommandError, match="line 4: 'nowhere'"):  # the line an editor shows
        run(path)


def test_it_skips_blank_lines(tmp_path):
    (tmp_path / "clothsy.csv").write_text("url,title,description\n\nhttps://clothsy.example/p/a,Shirt,\n,,\n")

    out, _ = run(tmp_path / "clothsy.csv")

    assert "1 created" in out


def test_an_unknown_header_is_a_clear_error(tmp_path):
    (tmp_path / "products.csv").write_text("sku,name,price\n1,Shirt,20\n")

    with pytest.raises(CommandError) as caught:
        run(tmp_path / "products.csv")

    message = str(caught.value)
    assert "unknown catalogue columns sku, name, price" in message
    assert "productDisplayName" in message and "url,title,description" in message
    assert Product.objects.count() == 0


def test_a_missing_file_is_a_clear_error(tmp_path):
    with pytest.raises(CommandError, match="no such file"):
        run(tmp_path / "nowhere.csv")


def test_a_folder_without_photos_is_a_clear_error(tmp_path):
    with pytest.raises(CommandError, match="no photos"):
        run(tmp_path)


def test_an_empty_file_is_a_clear_error(tmp_path):
    (tmp_path / "styles.csv").write_bytes(b"")

    with pytest.raises(CommandError, match="the file is empty"):
        run(tmp_path / "styles.csv")


def test_a_file_with_only_a_header_imports_nothing(tmp_path):
    (tmp_path / "styles.csv").write_text(",".join(STYLES) + "\n")

    out, _ = run(tmp_path / "styles.csv")

    assert "0 created, 0 updated, 0 unchanged." in out
    assert Product.objects.count() == 0


def test_a_file_that_is_not_utf8_is_a_clear_error(tmp_path):
    text = ",".join(STYLES) + "\n1,Men,Apparel,Topwear,Shirts,Blue,Summer,2012,Casual,Café Men Shirt\n"
    (tmp_path / "styles.csv").write_bytes(text.encode("latin-1"))

    with pytest.raises(CommandError, match="not UTF-8"):
        run(tmp_path / "styles.csv")

    assert Product.objects.count() == 0


def test_a_binary_file_is_a_clear_error(tmp_path):
    (tmp_path / "styles.csv").write_bytes(photo_bytes())

    with pytest.raises(CommandError):
        run(tmp_path / "styles.csv")

    assert Product.objects.count() == 0


def test_skip_invalid_imports_the_good_rows_and_reports_the_bad(tmp_path):
    good = "1,Men,Apparel,Topwear,Shirts,Blue,Summer,2012,Casual,Nike Men Blue Shirt"
    too_long = "2,Men,Apparel,Topwear,Shirts,Blue,Summer,2012,Casual,Nike Men Red Shirt,extra"
    nameless = "4,Men,Apparel,Topwear,Shirts,Blue,Summer,2012,Casual,"
    other = "3,Women,Apparel,Topwear,Tops,Green,Summer,2012,Casual,Nike Women Green Top"
    (tmp_path / "styles.csv").write_text("\n".join([",".join(STYLES), good, too_long, other, nameless]) + "\n")
    for id in (1, 2, 3, 4):
        (tmp_path / f"{id}.jpg").write_bytes(photo_bytes())

    out, err = run(tmp_path / "styles.csv", "--skip-invalid")

    assert "2 created, 0 updated, 0 unchanged, 2 invalid rows skipped." in out
    assert "skipped line 3: expected 10 fields, found 11" in err
    assert "skipped line 5: productDisplayName is empty" in err
    assert sorted(Product.objects.values_list("external_id", flat=True)) == ["1", "3"]
    assert set(Product.objects.values_list("status", flat=True)) == {EmbeddingStatus.READY}


def test_a_missing_photo_leaves_the_product_text_only_and_says_so(tmp_path):
    path = write_styles(
        tmp_path,
        [styles_row(1, "Nike Men Blue Shirt"), styles_row(2, "Nike Men Red Shirt")],
        photos={"1.jpg": photo_bytes()},
    )

    out, err = run(path)

    assert "2 created" in out
    assert "line 3: no photo 2.jpg; imported without one." in err
    photoless = Product.objects.get(external_id="2")
    assert not photoless.image and not photoless.thumbnail
    assert photoless.status == EmbeddingStatus.READY
    assert not photoless.vector[: embeddings.IMAGE_DIM].any()
    assert Product.objects.get(external_id="1").image


@pytest.mark.parametrize(
    "content",
    [
        b"these are not the pixels you are looking for",
        photo_bytes()[:400],
        photo_bytes(size=(20, 20)),  # too small to be a product photo
    ],
    ids=["text", "truncated", "tiny"],
)
def test_a_photo_that_cannot_be_used_leaves_the_product_text_only_and_says_so(tmp_path, content):
    path = write_styles(tmp_path, [styles_row(9, "Nike Men Blue Shirt")], photos={"9.jpg": content})

    out, err = run(path)

    assert "1 created" in out
    assert "line 2: 9.jpg:" in err
    product = Product.objects.get(external_id="9")
    assert not product.image and not product.thumbnail
    assert product.status == EmbeddingStatus.READY
    assert not any(p.is_file() for p in (tmp_path / "media").rglob("*"))


@pytest.mark.parametrize("filename", ["../secret.jpg", "images/../../secret.jpg", "/tmp/secret.jpg"])
def test_it_refuses_a_filename_outside_the_catalogues_folder(tmp_path, filename):
    (tmp_path / "secret.jpg").write_bytes(photo_bytes())
    path = write_styles(
        tmp_path / "catalogue", [styles_row(1, "Nike Men Shirt", filename=filename)], header=STYLES + ["filename"]
    )

    with pytest.raises(CommandError, match=r"line 2: filename .* points outside the catalogue's folder"):
        run(path)

    assert Product.objects.count() == 0


def test_it_refuses_a_photo_linked_from_outside_the_catalogues_folder(tmp_path):
    (tmp_path / "secret.jpg").write_bytes(photo_bytes())
    folder = tmp_path / "catalogue"
    path = write_styles(folder, [styles_row(1, "Nike Men Shirt")])
    (folder / "1.jpg").symlink_to(tmp_path / "secret.jpg")

    with pytest.raises(CommandError, match="line 2: .*outside the catalogue's folder"):
        run(path)


# Output


def test_it_shows_a_progress_bar_on_stderr_and_a_summary_on_stdout(tmp_path):
    out, err = run(two_shirts(tmp_path))

    assert "import: 100%" in err and "2/2" in err
    assert "embed: 100%" in err
    assert out.splitlines() == ["2 created, 0 updated, 0 unchanged.", "Embedded 2 product(s)."]


def test_the_progress_bar_counts_merged_rows_too(tmp_path):
    url = "https://clothsy.example/p/a"
    path = write_csv(
        tmp_path / "clothsy.csv",
        CLOTHSY,
        [
            {"url": url, "title": "Scarf", "description": ""},
            {"url": url, "title": "Scarf", "description": "again"},
            {"url": url, "title": "Scarf", "description": "and again"},
        ],
    )

    _, err = run(path)

    assert "import: 100%" in err and "3/3" in err


def test_its_progress_bar_goes_to_the_process_stderr_by_default(tmp_path, capsys):
    call_command("import_inventory", str(two_shirts(tmp_path)))

    captured = capsys.readouterr()
    assert "import: 100%" in captured.err
    assert "%|" not in captured.out
    assert "2 created, 0 updated, 0 unchanged." in captured.out


def test_verbosity_0_hides_the_progress_bar(tmp_path, capsys):
    out, err = run(two_shirts(tmp_path), verbosity=0)

    assert "%|" not in err and "%|" not in capsys.readouterr().err
    assert "2 created" in out


def test_no_embed_imports_without_embedding(tmp_path):
    out, _ = run(two_shirts(tmp_path), "--no-embed")

    assert "2 created" in out and "Embedded" not in out
    assert set(Product.objects.values_list("status", flat=True)) == {EmbeddingStatus.PENDING}
    assert not Product.objects.filter(embedding__isnull=False).exists()


def test_it_says_the_products_were_queued_when_celery_runs_elsewhere(tmp_path, settings):
    settings.CELERY_TASK_ALWAYS_EAGER = False
    settings.EMBED_TASK_CHUNK = 1

    with mock.patch.object(tasks.embed_products, "delay", autospec=True) as delay:  # the broker
        out, _ = run(two_shirts(tmp_path))

    assert "Queued 2 product(s) for embedding by the Celery workers." in out
    assert sorted(call.args for call in delay.call_args_list) == sorted(([p.id],) for p in Product.objects.all())
    assert set(Product.objects.values_list("status", flat=True)) == {EmbeddingStatus.PENDING}


# rebuild_index


def rebuild(*args):
    out = io.StringIO()
    call_command("rebuild_index", *args, stdout=out)
    return out.getvalue()


def test_rebuild_index_indexes_the_embedded_active_products(tmp_path):
    run(two_shirts(tmp_path / "shirts"))
    run(
        write_csv(
            tmp_path / "clothsy.csv",
            CLOTHSY,
            [
                {"url": "https://clothsy.example/p/a", "title": "Wool scarf", "description": ""},
                {"url": "https://clothsy.example/p/b", "title": "Silk scarf", "description": ""},
            ],
        )
    )
    Product.objects.filter(external_id="https://clothsy.example/p/b").update(is_active=False)
    run(
        write_csv(
            tmp_path / "later.csv", CLOTHSY, [{"url": "https://clothsy.example/p/c", "title": "Cap", "description": ""}]
        ),
        "--no-embed",
    )

    out = rebuild()

    manifest = index.read_manifest()
    expected = Product.objects.active().embedded(embeddings.current_version())
    assert manifest.count == expected.count() == 3
    assert f"Built index {manifest.version}: 3 products" in out
    loaded = index.load_current()
    assert sorted(int(i) for i in loaded.product_ids) == sorted(expected.values_list("id", flat=True))
    shirt = Product.objects.get(external_id="15970")
    assert loaded.nearest(shirt.vector, 1)[0][0] == shirt.id


def test_rebuild_index_says_when_the_index_is_up_to_date(tmp_path):
    run(two_shirts(tmp_path))
    rebuild()
    version = index.read_manifest().version

    out = rebuild()

    assert "up to date" in out
    assert index.read_manifest().version == version


def test_rebuild_index_rebuilds_after_the_inventory_changed(tmp_path):
    run(two_shirts(tmp_path))
    rebuild()
    Product.objects.filter(external_id="15970").update(is_active=False)

    out = rebuild()

    assert "Built index" in out
    assert index.read_manifest().count == 1


def test_rebuild_index_force_rebuilds_anyway(tmp_path):
    run(two_shirts(tmp_path))
    rebuild()
    version = index.read_manifest().version

    out = rebuild("--force")

    assert "Built index" in out
    assert index.read_manifest().version != version
    assert index.read_manifest().count == 2


def test_rebuild_index_builds_an_empty_index_for_an_empty_inventory():
    out = rebuild()

    assert "0 products" in out
    assert index.read_manifest().count == 0
    assert index.load_current() is None


# load_demo_inventory


def test_load_demo_inventory_imports_and_indexes_a_demo_catalogue():
    out, err = io.StringIO(), io.StringIO()

    call_command("load_demo_inventory", "--count", "12", stdout=out, stderr=err)

    assert Product.objects.count() == 12
    assert Product.objects.active().embedded(embeddings.current_version()).count() == 12
    assert Product.objects.exclude(image="").exclude(thumbnail="").count() == 12
    assert index.read_manifest().count == 12
    assert "12 created, 0 updated, 0 unchanged." in out.getvalue()
    assert "Built index" in out.getvalue() and "12 products" in out.getvalue()
    assert "import: 100%" in err.getvalue()  # the nested import's progress follows our stderr


def test_load_demo_inventory_can_be_run_again_without_duplicates():
    call_command("load_demo_inventory", "--count", "12", stdout=io.StringIO(), stderr=io.StringIO())
    out = io.StringIO()

    call_command("load_demo_inventory", "--count", "12", stdout=out, stderr=io.StringIO())

    assert Product.objects.count() == 12
    assert "0 created, 0 updated, 12 unchanged." in out.getvalue()


def test_it_reads_a_styles_csv_without_season_year_and_usage(tmp_path):
    # The shape of a trimmed styles.csv such as the fashion-dev labels: no year column.
    text = (
        "id,filename,gender,masterCategory,subCategory,articleType,baseColour,productDisplayName\n"
        "1759,1759.jpg,Men,Apparel,Topwear,Tshirts,Grey,Lotto Men Epic Grey T-shirt\n"
    )
    (tmp_path / "labels.csv").write_text(text)
    (tmp_path / "1759.jpg").write_bytes(photo_bytes())
    run(tmp_path / "labels.csv")

    tee = Product.objects.get(external_id="1759")
    assert (tee.brand, tee.category, tee.colour, tee.description) == ("Lotto", "Tshirts", "Grey", "Apparel, Topwear")
    assert tee.image


def test_it_imports_a_folder_of_photos_with_an_optional_metadata_csv(tmp_path):
    folder = tmp_path / "lookbook"
    folder.mkdir()
    (folder / "grey_hoodie.jpg").write_bytes(photo_bytes())
    (folder / "red-scarf.png").write_bytes(photo_bytes(colour=(200, 20, 20), format="PNG"))
    (folder / "notes.txt").write_text("not a photo")
    (folder / "metadata.csv").write_text("filename,name,brand,price\nred-scarf.png,Red wool scarf, Acne ,49\n")
    out, _ = run(folder)

    assert "2 created" in out
    scarf = Product.objects.get(external_id="lookbook/red-scarf.png")
    assert (scarf.name, scarf.brand, str(scarf.price)) == ("Red wool scarf", "Acne", "49.00")
    hoodie = Product.objects.get(external_id="lookbook/grey_hoodie.jpg")
    assert hoodie.name == "Grey hoodie" and hoodie.image


def test_a_folder_metadata_row_without_its_photo_is_named(tmp_path):
    folder = tmp_path / "lookbook"
    folder.mkdir()
    (folder / "a.jpg").write_bytes(photo_bytes())
    (folder / "metadata.csv").write_text("filename,name\nmissing.jpg,Ghost coat\n")
    with pytest.raises(CommandError, match="line 2: no photo named 'missing.jpg'"):
        run(folder)
    assert not Product.objects.exists()
