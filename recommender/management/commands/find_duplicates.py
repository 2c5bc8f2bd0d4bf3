from django.core.management.base import BaseCommand

from recommender.duplicates import likely_duplicate_photos


class Command(BaseCommand):
    help = "List products whose photos are near-identical (from the current index), most similar first."

    def add_arguments(self, parser):
        parser.add_argument("--min-similarity", type=float, default=0.97, help="cosine of the photo features")
        parser.add_argument("--neighbours", type=int, default=10, help="candidates looked at per product")

    def handle(self, min_similarity, neighbours, **options):
        pairs = likely_duplicate_photos(min_similarity=min_similarity, neighbours=neighbours)
        for first, second, similarity in pairs:
            self.stdout.write(
                f"{similarity:.3f}  #{first.id} {first.name[:50]!r} ({first.external_id})"
                f"  ~  #{second.id} {second.name[:50]!r} ({second.external_id})"
            )
        self.stdout.write(f"{len(pairs)} likely duplicate pair(s).")
