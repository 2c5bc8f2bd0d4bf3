import resource
import tempfile
import time
from pathlib import Path

import numpy as np
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.test import Client

from closetspace.photos import read_photo
from recommender import catalogue, index, services
from recommender.demo import demo_products, write_demo_catalogue
from recommender.models import EmbeddingStatus, Product
from wardrobe import services as wardrobe_services
from wardrobe.models import WardrobeItem


class Command(BaseCommand):
    help = (
        "Benchmark the inventory at scale: import, embed and index N text-only products (and M with "
        "photos), then time recommendation requests. Run it on a throwaway database: `make bench-inventory`."
    )

    def add_arguments(self, parser):
        parser.add_argument("--products", type=int, default=100_000, help="text-only products")
        parser.add_argument("--with-images", type=int, default=0, help="products with drawn photos")
        parser.add_argument("--requests", type=int, default=300, help="recommendation requests to time")

    def handle(self, products, with_images, requests, **options):
        if "bench" not in str(settings.DATABASES["default"]["NAME"]):
            raise CommandError("This fills the database: run it on one named *bench* (make bench-inventory).")
        self.figures = []
        with tempfile.TemporaryDirectory() as folder:
            folder = Path(folder)
            if products:
                path = self.step("write text-only catalogue", lambda: _text_catalogue(folder / "text.csv", products))
                self.import_and_embed(path, products)
            if with_images:
                path = self.step(
                    "draw photo catalogue", lambda: write_demo_catalogue(folder / "photos", count=with_images, seed=2)
                )
                self.import_and_embed(path, with_images)
        manifest = self.step("index rebuild", lambda: services.index_rebuild(force=True))
        size = sum(p.stat().st_size for p in index.index_dir().glob(f"{manifest.version}.*"))
        self.figures.append(("index", f"{manifest.count} products, {size / 1e6:.0f} MB on disk"))
        self.time_requests(requests)
        self.figures.append(("peak RSS, importing/embedding process", f"{_peak_rss_mb():.0f} MB"))
        self.figures.append(("peak RSS, a fresh web process", f"{_web_process_peak_rss_mb():.0f} MB"))
        self.stdout.write("\n" + "\n".join(f"{name:32} {value}" for name, value in self.figures))

    def step(self, name, work):
        started = time.perf_counter()
        result = work()
        seconds = time.perf_counter() - started
        self.figures.append((name, f"{seconds:.1f} s"))
        self.stdout.write(f"{name}: {seconds:.1f} s")
        return result

    def import_and_embed(self, path, count):
        self.step("import " + path.name, lambda: call_command("import_inventory", str(path), "--no-embed", verbosity=0))
        ids = list(Product.objects.filter(status=EmbeddingStatus.PENDING).values_list("id", flat=True))
        started = time.perf_counter()
        services.dispatch_embedding(ids)
        while Product.objects.filter(status=EmbeddingStatus.PENDING).exists():  # Celery workers, if any
            time.sleep(1)
        seconds = time.perf_counter() - started
        self.figures.append((f"embed {len(ids)} ({path.name})", f"{seconds:.1f} s, {len(ids) / seconds:.0f}/s"))

    def time_requests(self, count):
        user, _ = get_user_model().objects.get_or_create(username="bench")
        WardrobeItem.objects.filter(user=user).delete()
        for product in demo_products(5, seed=9):
            item = wardrobe_services.item_create(user=user, photo=read_photo(_jpeg(product.image())))
            wardrobe_services.item_embed(item=WardrobeItem.objects.get(pk=item.pk))
        client = Client(SERVER_NAME="localhost")  # a host ALLOWED_HOSTS accepts
        client.force_login(user)
        for _ in range(10):  # warm: models, index mmap, connections
            assert client.get("/api/recommendations/").json()["state"] == "ok"
        timings = []
        for _ in range(count):
            started = time.perf_counter()
            response = client.get("/api/recommendations/")
            timings.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200
        p50, p95 = np.percentile(timings, [50, 95])
        self.figures.append(("recommendations request (warm)", f"p50 {p50:.1f} ms, p95 {p95:.1f} ms"))
        self.time_admin()

    def time_admin(self):
        admin, _ = get_user_model().objects.get_or_create(
            username="bench-admin", defaults={"is_staff": True, "is_superuser": True}
        )
        client = Client(SERVER_NAME="localhost")
        client.force_login(admin)
        pages = [
            "/admin/recommender/product/",
            "/admin/recommender/product/?p=500",
            "/admin/recommender/product/?status__exact=ready&is_active__exact=1",
            "/admin/recommender/product/?q=shirt",
        ]
        client.get(pages[0])
        for page in pages:
            started = time.perf_counter()
            response = client.get(page)
            assert response.status_code == 200, page
            self.figures.append(
                (f"admin {page.split('product/')[1] or 'list'}", f"{(time.perf_counter() - started) * 1000:.0f} ms")
            )


def _text_catalogue(path, count):
    """A url,title,description catalogue of `count` products named like real ones."""
    import csv

    with open(path, "w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(catalogue.CLOTHSY_COLUMNS)
        for n, product in enumerate(demo_products(count, seed=1)):
            description = f"{product.article.sub} for {product.usage.lower()} wear, {product.season.lower()}."
            writer.writerow([f"https://shop.example/p/{n}", f"{product.display_name} {n}", description])
    return path


def _jpeg(image):
    import io

    buffer = io.BytesIO()
    image.save(buffer, format="JPEG")
    buffer.seek(0)
    return buffer


def _web_process_peak_rss_mb():
    """Serve 50 recommendation requests from a new process, as a web worker would, and report its peak RSS."""
    import os
    import subprocess
    import sys

    code = (
        "import resource; from django.test import Client; from django.contrib.auth import get_user_model; "
        "c = Client(SERVER_NAME='localhost'); c.force_login(get_user_model().objects.get(username='bench')); "
        "[c.get('/api/recommendations/') for _ in range(50)]; "
        "print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)"
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", code], env=os.environ, capture_output=True, text=True, check=True
    )
    return int(result.stdout.strip().splitlines()[-1]) / 1024


def _peak_rss_mb():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
