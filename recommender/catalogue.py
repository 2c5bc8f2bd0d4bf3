"""Reading shop catalogues into the inventory.

Two CSV schemas are understood, told apart by their header:

* the public Fashion Product Images ``styles.csv``: ``id,gender,masterCategory,
  subCategory,articleType,baseColour,season,year,usage,productDisplayName`` and an
  optional ``filename``; the photo is ``filename`` or ``<id>.jpg`` beside the CSV;
* the Clothsy export: ``url,title,description`` (no photos: text-only products).

The whole file is parsed and checked before anything is written, so a malformed row
stops the import with a message naming its line and nothing half-imported. Products are
matched on ``external_id`` (the catalogue's id, or the URL), so running an import again
updates products instead of duplicating them, and only what changed is embedded again.
"""

import csv
import hashlib
import io
import json
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from urllib.parse import urljoin

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.utils import timezone

from closetspace.photos import PhotoError, read_photo

from .models import EmbeddingStatus, Product
from .services import product_set_photo

STYLES_COLUMNS = [
    "id",
    "gender",
    "masterCategory",
    "subCategory",
    "articleType",
    "baseColour",
    "season",
    "year",
    "usage",
    "productDisplayName",
]
# Trimmed copies of styles.csv drop some of these (the fashion-dev labels have no year).
STYLES_OPTIONAL = {"season", "year", "usage", "filename"}
CLOTHSY_COLUMNS = ["url", "title", "description"]
# What each schema knows about a product; a re-import leaves the other fields (a price the
# shop typed in the admin, say) as they are.
STYLES_FIELDS = ("name", "brand", "category", "gender", "colour", "description")
CLOTHSY_FIELDS = ("name", "description", "url")
JSONL_FIELDS = ("name", "brand", "category", "colour", "description", "url", "price", "image_url")
UPDATED_FIELDS = [
    *STYLES_FIELDS,
    "url",
    "price",
    "image_url",
    "image",
    "thumbnail",
    "image_sha256",
    "status",
    "error",
    "updated_at",
]
MAX_UNPACKED_BYTES = 2 * 1024**3
GENDER_WORDS = {
    "men",
    "men's",
    "mens",
    "women",
    "women's",
    "womens",
    "unisex",
    "boys",
    "boy's",
    "girls",
    "girl's",
    "kids",
    "kid's",
}


class CatalogueError(Exception):
    """The catalogue cannot be imported; the message says where and why."""


@dataclass
class ProductRow:
    line: int
    external_id: str
    name: str
    brand: str = ""
    category: str = ""
    gender: str = ""
    colour: str = ""
    description: str = ""
    url: str = ""
    price: Decimal | None = None
    image_path: Path | None = None
    image_url: str = ""
    fields: tuple = STYLES_FIELDS


@dataclass
class ImportReport:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    repeated: int = 0
    photo_problems: list = field(default_factory=list)
    to_embed: list = field(default_factory=list)
    to_fetch: list = field(default_factory=list)  # products whose photo is at a (new) web address


def read_catalogue(path, *, skip_invalid=False, base_url=""):
    """Parse a catalogue file into ProductRows; raises CatalogueError naming bad lines."""
    path = Path(path)
    if path.is_dir():
        return _checked(_read_folder(path), skip_invalid)
    if not path.is_file():
        raise CatalogueError(f"{path}: no such file.")
    if path.suffix.lower() in (".jsonl", ".ndjson"):
        return _checked(_read_json_lines(path, base_url), skip_invalid)
    try:
        with open(path, newline="", encoding="utf-8-sig") as handle:
            reader = csv.reader(handle)
            header = next(reader, None)
            if header is None:
                raise CatalogueError(f"{path}: the file is empty.")
            header = [column.strip() for column in header]
            parse = _row_parser(path, header)
            rows, errors = [], []
            for values in reader:
                line = reader.line_num
                if not any(value.strip() for value in values):
                    continue
                try:
                    rows.append(parse(line, values))
                except CatalogueError as exc:
                    errors.append(str(exc))
    except UnicodeDecodeError as exc:
        raise CatalogueError(f"{path}: not UTF-8 text ({exc.reason} at byte {exc.start}).") from None
    except csv.Error as exc:
        raise CatalogueError(f"{path}, line {reader.line_num}: {exc}.") from None
    return _checked((rows, errors), skip_invalid)


def _checked(parsed, skip_invalid):
    rows, errors = parsed
    if errors and not skip_invalid:
        shown = "\n".join(errors[:20])
        more = f"\n…and {len(errors) - 20} more." if len(errors) > 20 else ""
        raise CatalogueError(f"{len(errors)} malformed row(s); nothing was imported:\n{shown}{more}")
    return rows, errors


PHOTO_SUFFIXES = {".jpg", ".jpeg", ".png", ".webp", ".heic", ".heif"}
FOLDER_COLUMNS = ("name", "brand", "category", "gender", "colour", "description", "url", "price")


def _read_folder(folder):
    """A folder of photos, one product each, with an optional metadata.csv (filename plus any of
    name, brand, category, gender, colour, description, url, price). Without a name in the CSV,
    the file name is the product's name."""
    metadata, errors = {}, []
    csv_path = folder / "metadata.csv"
    if csv_path.is_file():
        with open(csv_path, newline="", encoding="utf-8-sig") as handle:
            reader = csv.DictReader(handle)
            if "filename" not in (reader.fieldnames or []):
                raise CatalogueError(f"{csv_path}: needs a filename column (and any of {', '.join(FOLDER_COLUMNS)}).")
            for values in reader:
                metadata[values["filename"].strip()] = (reader.line_num, values)
    photos = sorted(p for p in folder.iterdir() if p.suffix.lower() in PHOTO_SUFFIXES and p.is_file())
    if not photos:
        raise CatalogueError(f"{folder}: no photos (.jpg, .png, .webp, .heic) in this folder.")
    for filename in sorted(set(metadata) - {p.name for p in photos}):
        errors.append(f"metadata.csv line {metadata[filename][0]}: no photo named {filename!r} in the folder.")
    rows = []
    for photo in photos:
        line, values = metadata.get(photo.name, (0, {}))
        values = {k: (v or "").strip() for k, v in values.items() if k in FOLDER_COLUMNS}
        try:
            price = Decimal(values["price"]).quantize(Decimal("0.01")) if values.get("price") else None
        except InvalidOperation:
            errors.append(f"metadata.csv line {line}: price {values['price']!r} is not a number.")
            continue
        name = values.get("name") or photo.stem.replace("_", " ").replace("-", " ").strip().capitalize()
        rows.append(
            ProductRow(
                line=line,
                external_id=f"{folder.name}/{photo.name}"[-200:],
                name=name[:300],
                brand=values.get("brand", "")[:120],
                category=values.get("category", "")[:120],
                gender=values.get("gender", "")[:40],
                colour=values.get("colour", "")[:60],
                description=values.get("description", ""),
                url=values.get("url", ""),
                price=price,
                image_path=photo,
                fields=("name", "brand", "category", "gender", "colour", "description", "url", "price"),
            )
        )
    return rows, errors


def _read_json_lines(path, base_url):
    """One JSON object a line, in the shape of the Nordstrom export (brandName, name, category,
    colors, price_min_usd, productPageUrl, imageUrl); page addresses may be relative to `base_url`."""
    rows, errors = [], []
    try:
        with open(path, encoding="utf-8-sig") as handle:
            for line, text in enumerate(handle, start=1):
                if not text.strip():
                    continue
                try:
                    rows.append(_json_row(line, text, base_url))
                except CatalogueError as exc:
                    errors.append(str(exc))
    except UnicodeDecodeError as exc:
        raise CatalogueError(f"{path}: not UTF-8 text ({exc.reason} at byte {exc.start}).") from None
    return rows, errors


def _json_row(line, text, base_url):
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise CatalogueError(f"line {line}: not valid JSON ({exc.msg} at column {exc.colno}).") from None
    if not isinstance(data, dict):
        raise CatalogueError(f"line {line}: expected a JSON object.")
    external_id = str(data.get("id") or "").strip()
    name = " ".join(str(data.get("name") or "").split())
    if not external_id or not name:
        raise CatalogueError(f"line {line}: every product needs an id and a name.")
    _check_length(line, "the id", external_id, "external_id")
    colours = [c for c in data.get("colors") or [] if isinstance(c, str) and c.lower() != "no color"]
    try:
        price = Decimal(str(data["price_min_usd"])).quantize(Decimal("0.01")) if data.get("price_min_usd") else None
    except (InvalidOperation, ValueError):
        raise CatalogueError(f"line {line}: price_min_usd {data['price_min_usd']!r} is not a number.") from None
    return ProductRow(
        line=line,
        external_id=external_id,
        name=name[:300],
        brand=str(data.get("brandName") or "").strip()[:120],
        category=str(data.get("category") or "").strip()[:120],
        colour=", ".join(colours)[:60],
        description=" ".join(str(data.get("extraNameCopy") or "").split()),
        url=_absolute(line, data.get("productPageUrl"), base_url),
        price=price,
        image_url=_absolute(line, data.get("imageUrl"), base_url),
        fields=JSONL_FIELDS,
    )


def _absolute(line, address, base_url):
    """A web address, made absolute against `base_url`; '' for none (or a relative one without a base)."""
    address = str(address or "").strip()
    if not address:
        return ""
    if not address.startswith(("http://", "https://")):
        if not base_url:
            return ""
        address = urljoin(base_url, address)
    try:
        URLValidator(schemes=["http", "https"])(address)
    except ValidationError:
        raise CatalogueError(f"line {line}: {address!r} is not a web address.") from None
    if len(address) > 1000:
        raise CatalogueError(f"line {line}: a web address is longer than 1000 characters.")
    return address


def _row_parser(path, header):
    folder = path.parent
    if set(STYLES_COLUMNS) - STYLES_OPTIONAL <= set(header):
        return lambda line, values: _styles_row(folder, header, line, values)
    if set(CLOTHSY_COLUMNS) <= set(header):
        return lambda line, values: _clothsy_row(header, line, values)
    raise CatalogueError(
        f"{path}: unknown catalogue columns {', '.join(header)}. Expected the Fashion Product "
        f"Images styles.csv columns ({','.join(STYLES_COLUMNS)}[,filename]; season, year and usage "
        "may be left out) or url,title,description."
    )


def _fields(header, line, values):
    if len(values) != len(header):
        raise CatalogueError(f"line {line}: expected {len(header)} fields, found {len(values)}.")
    return {column: value.strip() for column, value in zip(header, values)}


def _max_length(field_name):
    return Product._meta.get_field(field_name).max_length


def _check_length(line, label, value, field_name):
    # SQLite would store an over-long value; PostgreSQL would fail the whole import on it.
    limit = _max_length(field_name)
    if len(value) > limit:
        raise CatalogueError(f"line {line}: {label} is longer than {limit} characters.")


def _styles_row(folder, header, line, values):
    data = _fields(header, line, values)
    external_id, name = data["id"], data["productDisplayName"]
    if not external_id:
        raise CatalogueError(f"line {line}: the id is empty.")
    if not name:
        raise CatalogueError(f"line {line}: productDisplayName is empty.")
    _check_length(line, "the id", external_id, "external_id")
    _check_length(line, "articleType", data["articleType"], "category")
    _check_length(line, "gender", data["gender"], "gender")
    _check_length(line, "baseColour", data["baseColour"], "colour")
    filename = data.get("filename") or f"{external_id}.jpg"
    image_path = (folder / filename).resolve()
    if folder.resolve() not in image_path.parents:
        raise CatalogueError(f"line {line}: filename {filename!r} points outside the catalogue's folder.")
    details = [data["masterCategory"], data["subCategory"], data.get("usage", ""), data.get("season", "")]
    return ProductRow(
        line=line,
        external_id=external_id,
        name=name[:300],
        brand=_brand_from_name(name),
        category=data["articleType"],
        gender=data["gender"],
        colour=data["baseColour"],
        description=", ".join(d for d in details if d and d != "NA"),
        image_path=image_path,
    )


def _clothsy_row(header, line, values):
    data = _fields(header, line, values)
    url, title = data["url"], data["title"]
    try:
        URLValidator(schemes=["http", "https"])(url)
    except ValidationError:
        raise CatalogueError(f"line {line}: {url!r} is not a web address.") from None
    if not title:
        raise CatalogueError(f"line {line}: the title is empty.")
    _check_length(line, "the web address", url, "url")
    return ProductRow(
        line=line,
        external_id=_url_id(url),
        name=title[:300],
        description=data["description"],
        url=url,
        fields=CLOTHSY_FIELDS,
    )


def _url_id(url):
    """The URL itself, or for one too long to be an id, its start and a hash of all of it.

    Cutting long URLs short would merge products whose URLs differ only at the end.
    """
    limit = _max_length("external_id")
    if len(url) <= limit:
        return url
    digest = hashlib.sha256(url.encode()).hexdigest()
    return f"{url[: limit - len(digest) - 1]}#{digest}"


def _brand_from_name(name):
    """Fashion Product Images names read '<Brand> <Gender> <…>': the words before the gender."""
    words = name.split()
    for position, word in enumerate(words[:5]):
        if word.lower() in GENDER_WORDS:
            return " ".join(words[:position])[:120]
    return ""


def import_rows(rows, *, progress=None):
    """Create or update a product per row (matched on external_id); returns an ImportReport.

    One transaction: either every row is in, or none. `progress(n)` is called as rows are done.
    """
    report = ImportReport()
    unique = {}
    for row in rows:
        if row.external_id in unique:
            report.repeated += 1
        unique[row.external_id] = row  # the last line for an id wins, as a re-import would
    if progress and report.repeated:
        progress(report.repeated)  # merged lines are done too
    with transaction.atomic():
        existing = Product.objects.in_bulk(list(unique), field_name="external_id")
        new, changed_products = [], []
        for row in unique.values():
            product = existing.get(row.external_id)
            created = product is None
            if created:
                product = Product(external_id=row.external_id)
            changed = _apply_text(product, row)
            changed |= _apply_photo(product, row, report)
            if created or changed:
                product.status, product.error = EmbeddingStatus.PENDING, ""
                (new if created else changed_products).append(product)
            else:
                report.unchanged += 1
            if progress:
                progress(1)
        # Bulk writes: a 100,000-row catalogue is a few hundred statements, not 100,000.
        Product.objects.bulk_create(new, batch_size=1000)
        now = timezone.now()
        for product in changed_products:
            product.updated_at = now  # bulk_update does not apply auto_now
        Product.objects.bulk_update(changed_products, UPDATED_FIELDS, batch_size=1000)
    report.created, report.updated = len(new), len(changed_products)
    report.to_embed = [product.id for product in new + changed_products]
    report.to_fetch = [p.id for p in new + changed_products if p.image_url and (not p.image or p._new_image_url)]
    return report


def _apply_text(product, row):
    changed = False
    product._new_image_url = "image_url" in row.fields and product.image_url != row.image_url
    for name in row.fields:
        value = getattr(row, name)
        if getattr(product, name) != value:
            setattr(product, name, value)
            changed = True
    return changed


def _apply_photo(product, row, report):
    """Attach the row's photo if it is new or different; a bad photo leaves the product text-only."""
    if row.image_path is None:
        return False
    try:
        data = row.image_path.read_bytes()
    except FileNotFoundError:
        report.photo_problems.append(f"line {row.line}: no photo {row.image_path.name}; imported without one.")
        return False
    except OSError as exc:
        report.photo_problems.append(f"line {row.line}: cannot read {row.image_path.name} ({exc.strerror}).")
        return False
    digest = hashlib.sha256(data).hexdigest()
    if product.image and product.image_sha256 == digest:
        return False
    try:
        photo = read_photo(io.BytesIO(data), size=len(data))
    except PhotoError as exc:
        report.photo_problems.append(f"line {row.line}: {row.image_path.name}: {exc}")
        return False
    product_set_photo(product=product, photo=photo)
    product.image_sha256 = digest
    return True


def unpack_upload(path, folder):
    """The catalogue file inside an uploaded .csv or .zip (a CSV with its photos beside it)."""
    import zipfile

    path, folder = Path(path), Path(folder)
    if path.suffix.lower() != ".zip":
        return path
    try:
        with zipfile.ZipFile(path) as archive:
            members = [m for m in archive.infolist() if not m.is_dir()]
            if sum(m.file_size for m in members) > MAX_UNPACKED_BYTES:
                raise CatalogueError("The archive unpacks to more than 2 GB; split it into smaller ones.")
            for member in members:
                target = (folder / member.filename).resolve()
                if folder.resolve() not in target.parents:
                    raise CatalogueError(f"The archive holds a path outside its folder: {member.filename!r}.")
                target.parent.mkdir(parents=True, exist_ok=True)
                with archive.open(member) as source, open(target, "wb") as out:
                    out.write(source.read())
    except zipfile.BadZipFile:
        raise CatalogueError("This .zip file is damaged or not a zip archive.") from None
    csvs = sorted(folder.rglob("*.csv"))
    if len(csvs) != 1:
        raise CatalogueError(f"The archive must hold exactly one .csv catalogue; it holds {len(csvs)}.")
    return csvs[0]
