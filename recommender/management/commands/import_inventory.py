from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, OutputWrapper
from tqdm import tqdm

from recommender import catalogue, services


class Command(BaseCommand):
    help = (
        "Import a product catalogue (Fashion Product Images styles.csv, a url,title,description CSV, or "
        "JSON Lines like the Nordstrom export) into the inventory and embed what changed. Safe to run again: "
        "products are matched on their id/URL. Photos given as web addresses are fetched by Celery tasks."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", help="the catalogue (.csv, or .jsonl); CSV photos are looked up beside it")
        parser.add_argument("--base-url", default="", help="the shop's address, for relative page/photo addresses")
        parser.add_argument("--skip-invalid", action="store_true", help="import the good rows, list the bad ones")
        parser.add_argument("--no-embed", action="store_true", help="import only; embed later (embed_stale task)")

    def handle(self, path, skip_invalid, no_embed, base_url, verbosity, **options):
        show_progress = verbosity > 0
        progress_file = _raw_stream(self.stderr)
        try:
            rows, invalid = catalogue.read_catalogue(path, skip_invalid=skip_invalid, base_url=base_url)
        except catalogue.CatalogueError as exc:
            raise CommandError(str(exc)) from None
        for problem in invalid:
            self.stderr.write(f"skipped {problem}")

        with tqdm(total=len(rows), desc="import", unit="row", disable=not show_progress, file=progress_file) as bar:
            report = catalogue.import_rows(rows, progress=bar.update)
        for problem in report.photo_problems:
            self.stderr.write(problem)
        self.stdout.write(
            f"{report.created} created, {report.updated} updated, {report.unchanged} unchanged"
            + (f", {report.repeated} repeated ids merged" if report.repeated else "")
            + (f", {len(invalid)} invalid rows skipped" if invalid else "")
            + "."
        )
        if report.to_fetch:
            services.dispatch_photo_fetches(report.to_fetch)
            self.stdout.write(f"Fetching {len(report.to_fetch)} photo(s) from the web; those products re-embed then.")
        if no_embed or not report.to_embed:
            return
        chunk = settings.EMBED_TASK_CHUNK
        ids = report.to_embed
        with tqdm(
            total=len(ids),
            desc="embed" if settings.CELERY_TASK_ALWAYS_EAGER else "queue",
            unit="product",
            disable=not show_progress,
            file=progress_file,
        ) as bar:
            for start in range(0, len(ids), chunk):
                services.dispatch_embedding(ids[start : start + chunk])
                bar.update(len(ids[start : start + chunk]))
        if settings.CELERY_TASK_ALWAYS_EAGER:
            self.stdout.write(f"Embedded {len(ids)} product(s).")
        else:
            self.stdout.write(f"Queued {len(ids)} product(s) for embedding by the Celery workers.")


def _raw_stream(stream):
    """The stream under Django's OutputWrapper(s), so the bar follows `call_command(stderr=...)`.

    tqdm redraws its bar with '\r'; written through an OutputWrapper every redraw would end
    with a newline (and be coloured as an error on a terminal).
    """
    while isinstance(stream, OutputWrapper):
        stream = stream._out
    return stream
