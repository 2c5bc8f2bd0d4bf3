"""Fetching catalogue photos from the web: timeouts, a size limit, content-type checks.

`PhotoFetchFailed` is final (the address is wrong or serves no image); `PhotoFetchTransient`
may succeed later (timeouts, refused connections, 5xx, 429) and is retried with backoff.
"""

import socket
import urllib.error
import urllib.request

from django.conf import settings
from django.template.defaultfilters import filesizeformat


class PhotoFetchFailed(Exception):
    """The photo cannot be fetched from this address; the message says why."""


class PhotoFetchTransient(Exception):
    """The photo could not be fetched this time; trying again later may work."""


def fetch_photo(url):
    """The bytes of the image at `url`, or PhotoFetchFailed / PhotoFetchTransient."""
    limit = settings.UPLOAD_MAX_BYTES
    request = urllib.request.Request(url, headers={"User-Agent": "Closetspace/1.0", "Accept": "image/*"})
    try:
        with urllib.request.urlopen(request, timeout=settings.IMAGE_FETCH_TIMEOUT) as response:
            kind = response.headers.get_content_type()
            if not kind.startswith("image/"):
                raise PhotoFetchFailed(f"the address serves {kind}, not an image")
            declared = response.headers.get("Content-Length")
            if declared and declared.isdigit() and int(declared) > limit:
                raise PhotoFetchFailed(f"the photo is {filesizeformat(int(declared))}, over {filesizeformat(limit)}")
            data = response.read(limit + 1)
    except urllib.error.HTTPError as exc:
        if exc.code >= 500 or exc.code == 429:
            raise PhotoFetchTransient(f"the server answered {exc.code} {exc.reason}") from None
        raise PhotoFetchFailed(f"the server answered {exc.code} {exc.reason}") from None
    except (urllib.error.URLError, TimeoutError, socket.timeout, ConnectionError) as exc:
        reason = getattr(exc, "reason", exc)
        raise PhotoFetchTransient(f"the server could not be reached ({reason})") from None
    if len(data) > limit:
        raise PhotoFetchFailed(f"the photo is over {filesizeformat(limit)}")
    return data
