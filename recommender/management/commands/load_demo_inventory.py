import tempfile
from pathlib import Path

from django.core.management import call_command
from django.core.management.base import BaseCommand

from recommender.demo import write_demo_catalogue


class Command(BaseCommand):
    help = "Draw a demo catalogue of products (made by code, no downloads), import it and index it."

    def add_arguments(self, parser):
        parser.add_argument("--count", type=int, default=160)

    def handle(self, count, verbosity, **options):
        with tempfile.TemporaryDirectory() as folder:
            path = write_demo_catalogue(Path(folder), count=count)
            call_command("import_inventory", str(path), verbosity=verbosity, stdout=self.stdout, stderr=self.stderr)
        call_command("rebuild_index", stdout=self.stdout)
