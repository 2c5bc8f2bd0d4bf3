import time

import numpy as np
from django.core.management.base import BaseCommand

from recommender import embeddings
from recommender.demo import demo_products


class Command(BaseCommand):
    help = "Measure image and text embedding throughput on this machine, at several batch sizes."

    def add_arguments(self, parser):
        parser.add_argument("--images", type=int, default=256, help="images per measurement")
        parser.add_argument("--texts", type=int, default=2048, help="texts per measurement")
        parser.add_argument("--image-batches", default="1,8,16,32,64")
        parser.add_argument("--text-batches", default="16,32,64,128,256")

    def handle(self, images, texts, image_batches, text_batches, **options):
        encoder = embeddings.get_encoder()
        started = time.perf_counter()
        encoder.warm()
        self.stdout.write(f"models loaded in {time.perf_counter() - started:.1f} s")

        products = demo_products(max(images, 1), seed=3)
        pictures = [product.image() for product in products][:images]
        titles = [p.display_name for p in demo_products(min(texts, 2000), seed=5)]
        titles = (titles * (texts // len(titles) + 1))[:texts]
        titles = [f"{title} #{n}" for n, title in enumerate(titles)]  # no two alike

        encoder.image_model.encode(pictures[:8], 8)  # first-call warm-up
        for batch in _sizes(image_batches):
            seconds = _timed(lambda: encoder.image_model.encode(pictures, batch))
            self.stdout.write(f"images  batch {batch:>4}: {len(pictures) / seconds:7.1f} images/s")
        encoder.text_model.encode(titles[:64], 64)
        for batch in _sizes(text_batches):
            seconds = _timed(lambda: encoder.text_model.encode(titles, batch))
            self.stdout.write(f"texts   batch {batch:>4}: {len(titles) / seconds:7.1f} texts/s")

        inputs = [embeddings.EmbedInput(image=p, text=t) for p, t in zip(pictures, titles)]
        seconds = _timed(lambda: embeddings.embed(inputs))
        self.stdout.write(f"embed() image+text, default batches: {len(inputs) / seconds:.1f} items/s")


def _sizes(text):
    return [int(part) for part in text.split(",") if part.strip()]


def _timed(work):
    started = time.perf_counter()
    result = work()
    assert np.isfinite(np.asarray(result)).all()
    return time.perf_counter() - started
