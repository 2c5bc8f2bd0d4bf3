from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from recommender.evaluation import evaluate, labels_of


class Command(BaseCommand):
    help = (
        "Score recommendations for random wardrobes drawn from the (labelled, styles.csv-imported) "
        "inventory against random picks. Run it on a throwaway database: `make evaluate CATALOGUE=…`."
    )

    def add_arguments(self, parser):
        parser.add_argument("--wardrobes", type=int, default=20)
        parser.add_argument("--size", type=int, default=3, help="items per wardrobe")
        parser.add_argument("--limit", type=int, default=12, help="picks per wardrobe")
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--with-names", action="store_true", help="give wardrobe items their product names")
        parser.add_argument("--show", type=int, default=2, help="print the picks of this many wardrobes")

    def handle(self, wardrobes, size, limit, seed, with_names, show, **options):
        if "evaluation" not in str(settings.DATABASES["default"]["NAME"]):
            raise CommandError("This creates users and items: run it on a database named *evaluation* (make evaluate).")

        def report(number, chosen, picks):
            if number >= show:
                return
            self.stdout.write(f"\nWardrobe {number + 1}:")
            for product in chosen:
                self.stdout.write(f"  owns  {_describe(product)}")
            for pick in picks:
                self.stdout.write(f"  pick  {_describe(pick.product)}   (goes with: {pick.because.name or 'photo'})")

        model, baseline = evaluate(
            wardrobes=wardrobes, size=size, limit=limit, seed=seed, with_names=with_names, report=report
        )
        self.stdout.write(
            f"\n{wardrobes} wardrobes of {size} photos{' with names' if with_names else ''}, {limit} picks each:"
        )
        self.stdout.write(f"{'':20} {'Closetspace':>12} {'random':>8}")
        for (name, ours), theirs in zip(model.rates().items(), baseline.rates().values()):
            self.stdout.write(f"{name:20} {ours:12.0%} {theirs:8.0%}")


def _describe(product):
    labels = labels_of(product)
    return f"{labels.article:14} {labels.colour:10} {labels.gender:7} {product.name[:48]}"
