"""Reading untrusted photos safely, and writing clean copies of them.

Every photo that enters Closetspace (an upload, a catalogue image) passes through
`read_photo`, which either returns a fully decoded, upright RGB image or raises
`PhotoError` with a message a person can act on. `encode_jpeg` writes a copy with
no metadata at all (EXIF, GPS, ICC, XMP are never carried over).
"""

import io
import logging
import warnings
from dataclasses import dataclass

import pillow_heif
from django.conf import settings
from django.template.defaultfilters import filesizeformat
from PIL import Image, ImageOps, UnidentifiedImageError

pillow_heif.register_heif_opener()
logger = logging.getLogger(__name__)

ALLOWED_FORMATS = {"JPEG": "JPEG", "PNG": "PNG", "WEBP": "WebP", "HEIF": "HEIC", "MPO": "JPEG"}
ACCEPT_ATTRIBUTE = "image/jpeg,image/png,image/webp,image/heic,image/heif,.heic,.heif"


class PhotoError(ValueError):
    """The file is not a photo we can use; the message says why, for a person."""


@dataclass(frozen=True)
class EncodedPhoto:
    photo: bytes
    thumbnail: bytes
    width: int
    height: int


def read_photo(fileobj, *, size=None):
    """Decode `fileobj` fully and return an upright RGB `PIL.Image`, or raise PhotoError."""
    max_bytes = settings.UPLOAD_MAX_BYTES
    if size is not None and size > max_bytes:
        raise PhotoError(f"This file is {filesizeformat(size)}; photos can be at most {filesizeformat(max_bytes)}.")
    if size == 0:
        raise PhotoError("This file is empty.")
    fileobj.seek(0)
    with warnings.catch_warnings():
        # Pillow only warns between MAX_IMAGE_PIXELS and twice that; we refuse both.
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            image = Image.open(fileobj)
            _check_header(image)
            image.load()
        except PhotoError:
            raise
        except (Image.DecompressionBombError, Image.DecompressionBombWarning):
            raise PhotoError(_too_many_pixels_message()) from None
        except UnidentifiedImageError:
            raise PhotoError("This file is not a photo we can read. Use a JPEG, PNG, WebP or HEIC image.") from None
        except (OSError, SyntaxError, ValueError, EOFError) as exc:
            raise PhotoError(
                "This photo is damaged or cut short and cannot be read. Try saving or taking it again."
            ) from exc
    image = ImageOps.exif_transpose(image)
    return _to_rgb(image)


def encode_photo(image):
    """Clean JPEG copies of an image from `read_photo`: the photo and its thumbnail."""
    photo = _shrink(image, settings.PHOTO_MAX_SIDE)
    thumbnail = _shrink(image, settings.THUMBNAIL_SIDE)
    return EncodedPhoto(
        photo=encode_jpeg(photo, quality=88),
        thumbnail=encode_jpeg(thumbnail, quality=82),
        width=photo.width,
        height=photo.height,
    )


def encode_jpeg(image, *, quality):
    buffer = io.BytesIO()
    # A fresh save with no exif/icc arguments writes no metadata segments.
    image.save(buffer, format="JPEG", quality=quality, optimize=True, progressive=True)
    return buffer.getvalue()


def _check_header(image):
    if image.format not in ALLOWED_FORMATS:
        raise PhotoError(f"{image.format or 'This'} files are not supported. Use a JPEG, PNG, WebP or HEIC image.")
    width, height = image.size
    if width * height > settings.UPLOAD_MAX_PIXELS:
        raise PhotoError(_too_many_pixels_message())
    min_side = settings.UPLOAD_MIN_SIDE
    if min(width, height) < min_side:
        raise PhotoError(f"This image is {width}×{height} pixels; each side must be at least {min_side} pixels.")
    if max(width, height) / min(width, height) > settings.UPLOAD_MAX_ASPECT:
        raise PhotoError(f"This image is {width}×{height} pixels, far too long and thin for a photo of a garment.")


def _too_many_pixels_message():
    megapixels = settings.UPLOAD_MAX_PIXELS / 1_000_000
    return f"This image has too many pixels; photos can be at most {megapixels:g} megapixels."


def _to_rgb(image):
    if image.mode == "RGB":
        return image
    if image.mode in ("RGBA", "LA", "PA") or (image.mode == "P" and "transparency" in image.info):
        rgba = image.convert("RGBA")
        background = Image.new("RGB", rgba.size, (255, 255, 255))
        background.paste(rgba, mask=rgba.getchannel("A"))
        return background
    return image.convert("RGB")


def _shrink(image, max_side):
    if max(image.size) <= max_side:
        return image.copy()
    copy = image.copy()
    copy.thumbnail((max_side, max_side), Image.Resampling.LANCZOS)
    return copy


def delete_files(storage, names):
    """Delete stored photo files; a failure is logged, never raised (the row is already gone)."""
    for name in names:
        if not name:
            continue
        try:
            storage.delete(name)
        except OSError:
            logger.warning("could not delete %s", name, exc_info=True)
