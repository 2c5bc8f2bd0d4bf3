import csv

import numpy as np
from PIL import Image

from recommender.demo import BRANDS, COLUMNS, demo_products, write_demo_catalogue


def read_rows(path):
    with open(path, newline="") as handle:
        return list(csv.DictReader(handle))


def test_it_writes_a_styles_csv_and_one_jpeg_per_product(tmp_path):
    path = write_demo_catalogue(tmp_path, count=30)
    with open(path, newline="") as handle:
        assert next(csv.reader(handle)) == COLUMNS
    rows = read_rows(path)
    assert len(rows) == 30
    for row in rows:
        assert row["productDisplayName"].startswith(BRANDS)
        with Image.open(tmp_path / row["filename"]) as image:
            assert (image.format, image.mode, image.size) == ("JPEG", "RGB", (300, 400))


def test_the_same_seed_gives_the_same_catalogue(tmp_path):
    first = write_demo_catalogue(tmp_path / "a", count=12, seed=3).read_bytes()
    again = write_demo_catalogue(tmp_path / "b", count=12, seed=3).read_bytes()
    other = write_demo_catalogue(tmp_path / "c", count=12, seed=4).read_bytes()
    assert first == again != other


def test_it_spreads_products_over_every_kind_of_garment():
    kinds = {product.article.name for product in demo_products(160)}
    assert {"Tshirts", "Jeans", "Dresses", "Casual Shoes", "Handbags", "Caps", "Scarves"} <= kinds


def test_different_garments_look_different():
    by_kind = {}
    for product in demo_products(60, seed=1):
        by_kind.setdefault(product.article.name, product)
    tee = np.asarray(by_kind["Tshirts"].image(), np.float32)
    jeans = np.asarray(by_kind["Jeans"].image(), np.float32)
    assert np.abs(tee - jeans).mean() > 10
