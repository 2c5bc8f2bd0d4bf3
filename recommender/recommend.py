"""From a wardrobe to shop picks, and from a free-text query to products.

The baseline is the original Closetspace method: the mean of the wardrobe's vectors,
looked up in the prebuilt index (never rebuilt per request), with Gaussian noise so that
each refresh brings a different, still fitting set. Inactive or deleted products are
dropped at query time, so they vanish before the next rebuild.
"""

from dataclasses import dataclass, field

import numpy as np
from django.conf import settings

from wardrobe.models import WardrobeItem

from . import embeddings, services
from .models import EmbeddingStatus, Product


class State:
    OK = "ok"
    NO_ITEMS = "no_items"
    PROCESSING = "processing"
    NO_READY_ITEMS = "no_ready_items"
    NO_INVENTORY = "no_inventory"
    INDEX_UNAVAILABLE = "index_unavailable"


@dataclass
class Pick:
    product: Product
    similarity: float
    because: WardrobeItem | None = None


@dataclass
class Recommendations:
    state: str
    picks: list = field(default_factory=list)
    pending_items: int = 0


def recommend(*, user, limit=None, rng=None):
    limit = max(1, min(limit or settings.RECOMMEND_COUNT, settings.RECOMMEND_MAX))
    rng = rng or np.random.default_rng()
    version = embeddings.current_version()
    items = list(WardrobeItem.objects.for_user(user).ready(version))
    pending = WardrobeItem.objects.for_user(user).filter(status=EmbeddingStatus.PENDING).count()
    if not items:
        if pending:
            return Recommendations(State.PROCESSING, pending_items=pending)
        if WardrobeItem.objects.for_user(user).exists():
            return Recommendations(State.NO_READY_ITEMS)
        return Recommendations(State.NO_ITEMS)
    index = services.index_for_queries()
    if index is None:
        state = State.INDEX_UNAVAILABLE if services.inventory_is_indexable() else State.NO_INVENTORY
        return Recommendations(state, pending_items=pending)

    wardrobe = np.vstack([item.vector for item in items])
    profile = _unit(wardrobe.mean(axis=0))
    pool = _active_products(index.nearest(profile, min(len(index), limit * 4 + 10)), limit * 4)
    picks = _noisy_top(pool, limit, settings.RECOMMEND_NOISE, rng)
    for pick in picks:
        scores = wardrobe @ pick.product.vector
        pick.because = items[int(np.argmax(scores))]
    return Recommendations(State.OK, picks=picks, pending_items=pending)


def search(*, query, limit=10):
    """Products most similar to a free-text query, best first; [] when there is no index."""
    query = query.strip()
    if not query:
        return []
    index = services.index_for_queries()
    if index is None:
        return []
    vector = embeddings.embed_query(query)
    return _active_products(index.nearest(vector, min(len(index), limit * 2 + 10)), limit)


def _active_products(neighbours, limit):
    products = Product.objects.active().in_bulk([product_id for product_id, _ in neighbours])
    picks, seen = [], set()
    for product_id, distance in neighbours:
        product = products.get(product_id)
        if product is None:
            continue  # deactivated or deleted since the index was built
        key = product.url or product.external_id or product.id
        if key in seen:
            continue
        seen.add(key)
        # Annoy's angular distance is sqrt(2 - 2 cos) for unit vectors.
        picks.append(Pick(product=product, similarity=float(1 - distance**2 / 2)))
        if len(picks) == limit:
            break
    return picks


def _noisy_top(pool, limit, scale, rng):
    """The `limit` best of `pool` after Gaussian noise on each similarity; shown best first.

    Noise on the 1664-d query itself barely moves the ranking (a random direction is
    nearly orthogonal to every product), so it goes on the scores: products close to
    the profile trade places, ones far from it stay out.
    """
    noisy = [pick.similarity + rng.normal(0.0, scale) for pick in pool]
    chosen = [pool[i] for i in np.argsort(noisy)[::-1][:limit]]
    return sorted(chosen, key=lambda pick: pick.similarity, reverse=True)


def _unit(vector):
    norm = np.linalg.norm(vector)
    return vector / norm if norm else vector
