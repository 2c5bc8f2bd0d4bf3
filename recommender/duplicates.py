"""Likely duplicate products: near-identical photos, found through their embeddings."""

import numpy as np

from . import embeddings, index
from .models import Product


def likely_duplicate_photos(*, min_similarity=0.97, neighbours=10):
    """Pairs (product, product, photo similarity) of indexed products whose photos nearly match.

    The index proposes neighbours by the whole vector; the photo part of the vectors decides.
    Most similar first.
    """
    loaded = index.load_current()
    if loaded is None:
        return []
    ids = loaded.product_ids
    pairs = {}
    for number in range(len(ids)):
        photo = _photo_part(loaded.annoy.get_item_vector(number))
        if photo is None:
            continue
        for other in loaded.annoy.get_nns_by_item(number, neighbours + 1)[1:]:
            if other < number:
                continue  # each pair once
            other_photo = _photo_part(loaded.annoy.get_item_vector(other))
            if other_photo is not None and (similarity := float(photo @ other_photo)) >= min_similarity:
                pairs[(int(ids[number]), int(ids[other]))] = similarity
    products = Product.objects.defer("embedding").in_bulk({i for pair in pairs for i in pair})
    found = [(products[a], products[b], s) for (a, b), s in pairs.items() if a in products and b in products]
    return sorted(found, key=lambda row: row[2], reverse=True)


def _photo_part(vector):
    photo = np.asarray(vector[: embeddings.IMAGE_DIM], dtype=np.float32)
    norm = np.linalg.norm(photo)
    return photo / norm if norm > 0 else None  # text-only products have no photo part
