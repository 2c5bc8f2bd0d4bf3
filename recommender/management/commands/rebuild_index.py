from django.core.management.base import BaseCommand

from recommender import services


class Command(BaseCommand):
    help = "Rebuild the Annoy index of the inventory now (only if it changed, unless --force)."

    def add_arguments(self, parser):
        parser.add_argument("--force", action="store_true", help="rebuild even if nothing changed")

    def handle(self, force, **options):
        manifest = services.index_rebuild(force=force)
        if manifest is None:
            self.stdout.write("The index is up to date (or another build is running); nothing to do.")
        else:
            self.stdout.write(
                f"Built index {manifest.version}: {manifest.count} products in {manifest.build_seconds:.1f} s."
            )
