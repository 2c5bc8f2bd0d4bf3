"""Offline evaluation: do recommendations fit a wardrobe? (used by `evaluate_recommendations`)

A wardrobe is a few labelled product photos taken out of a labelled catalogue; the rest
of the catalogue is the shop. A pick "fits" when it is the same kind of garment as one of
the wardrobe's items (articleType), or at least from the same part of the wardrobe
(subCategory: topwear, bottomwear, shoes, bags…), and is meant for the same gender.
Random picks from the same shop give the chance level to compare against.
"""

import io
import random
from dataclasses import dataclass

from django.contrib.auth import get_user_model

from closetspace.photos import read_photo
from wardrobe import services as wardrobe_services
from wardrobe.models import WardrobeItem

from .models import Product
from .recommend import State, recommend


@dataclass
class Labels:
    article: str
    sub: str
    gender: str
    colour: str


@dataclass
class Score:
    picks: int = 0
    same_article: int = 0
    same_sub: int = 0
    same_gender: int = 0
    same_colour: int = 0

    def add(self, wardrobe, pick):
        self.picks += 1
        self.same_article += any(w.article == pick.article for w in wardrobe)
        self.same_sub += any(w.sub == pick.sub for w in wardrobe)
        self.same_gender += any(w.gender == pick.gender or "Unisex" in (w.gender, pick.gender) for w in wardrobe)
        self.same_colour += any(w.colour == pick.colour for w in wardrobe)

    def rates(self):
        n = max(self.picks, 1)
        return {
            "same articleType": self.same_article / n,
            "same subCategory": self.same_sub / n,
            "gender fits": self.same_gender / n,
            "same colour": self.same_colour / n,
        }


def labels_of(product):
    # The styles.csv import stores articleType as category and subCategory first in the description.
    sub = product.description.split(",")[1].strip() if product.description.count(",") >= 1 else ""
    return Labels(article=product.category, sub=sub, gender=product.gender, colour=product.colour)


def evaluate(*, wardrobes, size, limit, seed, with_names, report):
    """Build `wardrobes` random wardrobes of `size` items each and score their picks."""
    rng = random.Random(seed)
    shop = list(Product.objects.active().filter(status="ready").defer("embedding"))
    model, baseline = Score(), Score()
    user_model = get_user_model()
    for number in range(wardrobes):
        chosen = rng.sample([p for p in shop if p.image], size)
        user, _ = user_model.objects.get_or_create(username=f"evaluation-{seed}-{number}")
        WardrobeItem.objects.filter(user=user).delete()
        Product.objects.filter(id__in=[p.id for p in chosen]).update(is_active=False)  # held out
        try:
            for product in chosen:
                with product.image.open("rb") as handle:
                    photo = read_photo(io.BytesIO(handle.read()))
                item = wardrobe_services.item_create(user=user, photo=photo, name=product.name if with_names else "")
                wardrobe_services.item_embed(item=WardrobeItem.objects.get(pk=item.pk))
            result = recommend(user=user, limit=limit, rng=None)
            assert result.state == State.OK, result.state
            wardrobe = [labels_of(p) for p in chosen]
            report(number, chosen, result.picks)
            for pick in result.picks:
                model.add(wardrobe, labels_of(pick.product))
            for product in rng.sample([p for p in shop if p not in chosen], limit):
                baseline.add(wardrobe, labels_of(product))
        finally:
            Product.objects.filter(id__in=[p.id for p in chosen]).update(is_active=True)
    return model, baseline
