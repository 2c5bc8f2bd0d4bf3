"""Catalogue photos fetched from the web, against a local HTTP server (the only host tests may reach)."""

import io
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.core.management import call_command

from closetspace.tests.factories import photo_bytes
from recommender.models import EmbeddingStatus, Product

JPEG = photo_bytes(colour=(20, 40, 160))


class Shop(BaseHTTPRequestHandler):
    hits = {}

    def do_GET(self):
        Shop.hits[self.path] = Shop.hits.get(self.path, 0) + 1
        if self.path == "/img/ok.jpg":
            return self.reply(200, "image/jpeg", JPEG)
        if self.path == "/img/flaky.jpg" and Shop.hits[self.path] == 1:
            return self.reply(503, "text/plain", b"busy")
        if self.path == "/img/flaky.jpg":
            return self.reply(200, "image/jpeg", JPEG)
        if self.path == "/img/page.jpg":
            return self.reply(200, "text/html", b"<html>not a photo</html>")
        if self.path == "/img/huge.jpg":
            return self.reply(200, "image/jpeg", b"\xff" * 50_000)
        if self.path == "/img/broken.jpg":
            return self.reply(200, "image/jpeg", b"not really a jpeg")
        if self.path == "/img/down.jpg":
            return self.reply(500, "text/plain", b"down")
        self.reply(404, "text/plain", b"no such photo")

    def reply(self, status, kind, body):
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def shop(settings):
    settings.UPLOAD_MAX_BYTES = 20_000
    settings.IMAGE_FETCH_TIMEOUT = 5
    settings.IMAGE_FETCH_RETRIES = 2
    Shop.hits = {}
    server = ThreadingHTTPServer(("127.0.0.1", 0), Shop)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


def write_jsonl(tmp_path, products):
    path = tmp_path / "shop.jsonl"
    path.write_text("\n".join(json.dumps(p) for p in products) + "\n")
    return path


def nordstrom(n, image_path, **extra):
    return {
        "id": n,
        "category": "hoodies",
        "brandName": "Northwind",
        "name": f"Fleece Hoodie {n}",
        "extraNameCopy": "",
        "colors": ["Black", "Grey"],
        "price_min_usd": 59.5,
        "price_max_usd": 79,
        "reviewCount": 3,
        "reviewStarRating": 4.5,
        "productPageUrl": f"/s/hoodie/{n}",
        "imageUrl": image_path,
        **extra,
    }


def run(path, *args):
    out, err = io.StringIO(), io.StringIO()
    call_command("import_inventory", str(path), *args, stdout=out, stderr=err)
    return out.getvalue()


@pytest.mark.django_db(transaction=True)
def test_a_json_lines_catalogue_is_imported_with_its_photos_fetched(tmp_path, shop):
    out = run(write_jsonl(tmp_path, [nordstrom(1, "/img/ok.jpg")]), "--base-url", shop)
    assert "1 created" in out and "Fetching 1 photo" in out
    hoodie = Product.objects.get(external_id="1")
    assert (hoodie.brand, hoodie.category, hoodie.colour, str(hoodie.price)) == (
        "Northwind",
        "hoodies",
        "Black, Grey",
        "59.50",
    )
    assert hoodie.url == f"{shop}/s/hoodie/1"
    assert hoodie.image and hoodie.thumbnail and hoodie.error == ""
    assert hoodie.status == EmbeddingStatus.READY


@pytest.mark.django_db(transaction=True)
def test_a_transient_failure_is_retried(tmp_path, shop):
    run(write_jsonl(tmp_path, [nordstrom(2, "/img/flaky.jpg")]), "--base-url", shop)
    assert Shop.hits["/img/flaky.jpg"] == 2
    assert Product.objects.get(external_id="2").image


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    "image, reason",
    [
        ("/img/missing.jpg", "404"),
        ("/img/page.jpg", "serves text/html, not an image"),
        ("/img/huge.jpg", "is 48.8\xa0KB, over 19.5\xa0KB"),
        ("/img/broken.jpg", "not a photo we can read"),
        ("/img/down.jpg", "500"),
    ],
)
def test_a_photo_that_cannot_be_fetched_leaves_the_product_text_only_and_says_why(tmp_path, shop, image, reason):
    run(write_jsonl(tmp_path, [nordstrom(3, image)]), "--base-url", shop)
    product = Product.objects.get(external_id="3")
    assert not product.image
    assert product.status == EmbeddingStatus.READY  # embedded from its text
    assert "Photo not fetched" in product.error and reason in product.error


@pytest.mark.django_db(transaction=True)
def test_a_server_that_stays_down_is_tried_a_bounded_number_of_times(tmp_path, shop):
    run(write_jsonl(tmp_path, [nordstrom(4, "/img/down.jpg")]), "--base-url", shop)
    assert Shop.hits["/img/down.jpg"] == 3  # the first try and IMAGE_FETCH_RETRIES more


@pytest.mark.django_db(transaction=True)
def test_a_reimport_does_not_fetch_an_unchanged_photo_again(tmp_path, shop):
    path = write_jsonl(tmp_path, [nordstrom(5, "/img/ok.jpg")])
    run(path, "--base-url", shop)
    out = run(path, "--base-url", shop)
    assert "1 unchanged" in out and "Fetching" not in out
    assert Shop.hits["/img/ok.jpg"] == 1


def test_malformed_json_lines_are_named(tmp_path, db):
    path = tmp_path / "bad.jsonl"
    path.write_text('{"id": 1, "name": "ok"}\n{not json\n{"id": 3}\n')
    from django.core.management.base import CommandError

    with pytest.raises(CommandError) as error:
        run(path)
    assert "line 2: not valid JSON" in str(error.value) and "line 3: every product needs an id and a name" in str(
        error.value
    )
    assert not Product.objects.exists()


def test_relative_addresses_without_a_base_are_left_out(tmp_path, db):
    run(write_jsonl(tmp_path, [nordstrom(6, "/img/ok.jpg")]), "--no-embed")
    product = Product.objects.get(external_id="6")
    assert product.url == "" and product.image_url == ""
