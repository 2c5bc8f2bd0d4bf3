import csv
from collections import Counter

import pytest
from PIL import Image, ImageChops, ImageStat

from recommender.demo import ARTICLE_TYPES, BRANDS, COLUMNS, FIRST_ID, demo_products, draw_product, write_demo_catalogue


def read_rows(path):
    with open(path, newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def mean_difference(a, b):
    return sum(ImageStat.Stat(ImageChops.difference(a, b)).mean) / 3


def test_it_writes_a_styles_csv_with_one_jpeg_per_product(tmp_path):
    path = write_demo_catalogue(tmp_path, count=30)

    assert path == tmp_path / "catalogue.csv"
    with open(path, newline="", encoding="utf-8") as handle:
        assert next(csv.reader(handle)) == COLUMNS
    rows = read_rows(path)
    assert len(rows) == 30
    assert [int(row["id"]) for row in rows] == list(range(FIRST_ID, FIRST_ID + 30))
    for row in rows:
        assert row["filename"] == f"{row['id']}.jpg"
        with Image.open(tmp_path / row["filename"]) as image:
            assert (image.format, image.mode, image.size) == ("JPEG", "RGB", (300, 400))


def test_names_are_brand_gender_colour_then_the_article(tmp_path):
    for row in read_rows(write_demo_catalogue(tmp_path, count=28)):
        name = row["productDisplayName"]
        brand = next(b for b in BRANDS if name.startswith(b + " "))
        assert name[len(brand) + 1 :].startswith(f"{row['gender']} {row['baseColour']} ")
        assert row["gender"] in {"Men", "Women", "Unisex"}
        if row["articleType"] in {"Dresses", "Skirts", "Handbags"}:
            assert row["gender"] == "Women"


def test_the_same_seed_gives_the_same_catalogue(tmp_path):
    first = write_demo_catalogue(tmp_path / "a", count=12, seed=3)
    again = write_demo_catalogue(tmp_path / "b", count=12, seed=3)
    other = write_demo_catalogue(tmp_path / "c", count=12, seed=4)

    assert first.read_bytes() == again.read_bytes() != other.read_bytes()
    for row in read_rows(first):
        assert (first.parent / row["filename"]).read_bytes() == (again.parent / row["filename"]).read_bytes()


@pytest.mark.parametrize("count", [1, 5])
def test_it_works_for_small_counts(tmp_path, count):
    assert len(read_rows(write_demo_catalogue(tmp_path, count=count))) == count


def test_products_are_spread_evenly_over_every_article_type():
    per_type = Counter(product.article.name for product in demo_products(160))

    assert set(per_type) == {article.name for article in ARTICLE_TYPES}
    assert max(per_type.values()) - min(per_type.values()) <= 1


def test_different_article_types_look_different():
    tee = draw_product("Tshirts", "Navy Blue")
    trousers = draw_product("Trousers", "Navy Blue")
    sneakers = draw_product("Casual Shoes", "Navy Blue")

    assert mean_difference(tee, trousers) > 12
    assert mean_difference(tee, sneakers) > 12
    assert mean_difference(tee, draw_product("Tshirts", "Navy Blue")) == 0


def test_white_items_stand_out_from_the_studio_background():
    shirt = draw_product("Shirts", "White").convert("L")
    corner = shirt.crop((0, 0, 20, 20))
    middle_column = shirt.crop((100, 0, 101, 400))

    # The outline makes the darkest pixel down the middle of the item much darker than the backdrop.
    assert ImageStat.Stat(corner).mean[0] - middle_column.getextrema()[0] > 60
