"""Things the tests make for themselves: photos in every format, products, users."""

import io

import numpy as np
from PIL import Image, ImageDraw

from recommender.models import Product


def photo_bytes(colour=(40, 60, 150), size=(240, 320), format="JPEG", exif=None, shape="shirt"):
    """A small garment-like photo: a coloured silhouette on a light background."""
    image = Image.new("RGB", size, (245, 245, 240))
    draw = ImageDraw.Draw(image)
    w, h = size
    if shape == "shirt":
        draw.polygon(
            [
                (w * 0.3, h * 0.15),
                (w * 0.7, h * 0.15),
                (w * 0.9, h * 0.35),
                (w * 0.78, h * 0.42),
                (w * 0.72, h * 0.35),
                (w * 0.72, h * 0.85),
                (w * 0.28, h * 0.85),
                (w * 0.28, h * 0.35),
                (w * 0.22, h * 0.42),
                (w * 0.1, h * 0.35),
            ],
            fill=colour,
        )
    elif shape == "trousers":
        draw.polygon(
            [
                (w * 0.3, h * 0.1),
                (w * 0.7, h * 0.1),
                (w * 0.75, h * 0.9),
                (w * 0.55, h * 0.9),
                (w * 0.5, h * 0.4),
                (w * 0.45, h * 0.9),
                (w * 0.25, h * 0.9),
            ],
            fill=colour,
        )
    else:
        draw.ellipse([w * 0.2, h * 0.3, w * 0.8, h * 0.7], fill=colour)
    buffer = io.BytesIO()
    kwargs = {"exif": exif} if exif is not None else {}
    if format == "PNG":
        image = image.convert("RGBA")
    image.save(buffer, format=format, **kwargs)
    return buffer.getvalue()


def truncated_jpeg():
    data = photo_bytes(size=(400, 400))
    return data[: len(data) // 2]


def too_thin():
    """1 × 50,000 pixels."""
    buffer = io.BytesIO()
    Image.new("RGB", (1, 50_000), "white").save(buffer, format="PNG")
    return buffer.getvalue()


def decompression_bomb():
    buffer = io.BytesIO()
    Image.new("1", (20_000, 20_000)).save(buffer, format="PNG")  # 400 MP, a few KB on disk
    return buffer.getvalue()


def product(name="Blue cotton shirt", vector=None, **fields):
    """A product; with `vector`, already embedded by the current encoder."""
    from recommender import embeddings

    fields.setdefault("category", "Shirts")
    item = Product(name=name, **fields)
    if vector is not None:
        vector = np.asarray(vector, dtype=np.float32)
        item.embedding = (vector / np.linalg.norm(vector)).tobytes()
        item.status = "ready"
        item.encoder_version = embeddings.current_version()
    item.save()
    return item
