"""The Annoy index of the inventory: build, swap in atomically, load (mmap), query.

Layout of ``INDEX_DIR``::

    <version>.ann        the Annoy forest (angular metric)
    <version>.ids.npy    Annoy item number -> product id
    current.json         the manifest: which version is current, and what it holds

A build writes new versioned files, then replaces ``current.json`` with an atomic
rename, so readers see either the old index or the new one, never half of one.
Readers mmap the files (Annoy's ``load``), so every web process shares one copy in RAM,
and notice a new version by the manifest's change time: one ``stat`` per request.
"""

import fcntl
import json
import logging
import os
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from annoy import AnnoyIndex
from django.conf import settings

logger = logging.getLogger(__name__)

FORMAT_VERSION = 1
MANIFEST = "current.json"


class IndexBusy(Exception):
    """Another process is building the index right now."""


@dataclass(frozen=True)
class Manifest:
    version: str
    count: int
    dim: int
    trees: int
    fingerprint: str
    encoder_version: str
    built_at: float
    build_seconds: float
    format: int = FORMAT_VERSION


class LoadedIndex:
    def __init__(self, manifest, annoy, product_ids):
        self.manifest = manifest
        self.annoy = annoy
        self.product_ids = product_ids

    def __len__(self):
        return self.manifest.count

    def nearest(self, vector, n, search_k=-1):
        """(product_id, angular distance) of the n items nearest to `vector`, nearest first."""
        items, distances = self.annoy.get_nns_by_vector(
            np.asarray(vector, dtype=np.float32).tolist(), n, search_k=search_k, include_distances=True
        )
        return [(int(self.product_ids[i]), d) for i, d in zip(items, distances)]


def index_dir():
    path = Path(settings.INDEX_DIR)
    path.mkdir(parents=True, exist_ok=True)
    return path


def read_manifest():
    """The current manifest, or None when there is none or it cannot be read."""
    path = index_dir() / MANIFEST
    try:
        data = json.loads(path.read_text())
        manifest = Manifest(**data)
    except FileNotFoundError:
        return None
    except (OSError, ValueError, TypeError) as exc:
        logger.warning("index manifest %s is unreadable: %s", path, exc)
        return None
    if manifest.format != FORMAT_VERSION:
        return None
    return manifest


@contextmanager
def build_lock():
    """Hold the index folder's lock, or raise IndexBusy when another build holds it."""
    with open(index_dir() / ".build.lock", "w") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise IndexBusy("another index build is running") from None
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def build(vectors, product_ids, *, fingerprint, encoder_version, trees=None):
    """Write a new index version from `vectors` (n × dim) and make it current.

    The caller holds `build_lock()`. Returns the new Manifest.
    """
    started = time.monotonic()
    trees = trees or settings.INDEX_TREES
    folder = index_dir()
    version = f"{time.time_ns()}"
    count, dim = len(product_ids), (vectors.shape[1] if len(product_ids) else 0)
    if count:
        annoy = AnnoyIndex(dim, "angular")
        annoy.set_seed(42)
        for number, vector in enumerate(vectors):
            annoy.add_item(number, vector)
        annoy.build(trees, n_jobs=1)
        annoy.save(str(folder / f"{version}.ann.tmp"))
        annoy.unload()
        np.save(folder / f"{version}.ids.tmp.npy", np.asarray(product_ids, dtype=np.int64))
        _fsync(folder / f"{version}.ann.tmp")
        _fsync(folder / f"{version}.ids.tmp.npy")
        os.replace(folder / f"{version}.ann.tmp", folder / f"{version}.ann")
        os.replace(folder / f"{version}.ids.tmp.npy", folder / f"{version}.ids.npy")
    manifest = Manifest(
        version=version,
        count=count,
        dim=dim,
        trees=trees,
        fingerprint=fingerprint,
        encoder_version=encoder_version,
        built_at=time.time(),
        build_seconds=round(time.monotonic() - started, 3),
    )
    tmp = folder / f"{MANIFEST}.tmp"
    tmp.write_text(json.dumps(manifest.__dict__))
    _fsync(tmp)
    os.replace(tmp, folder / MANIFEST)
    _remove_old_versions(folder, keep=manifest.version)
    return manifest


def is_intact(manifest):
    """Whether the files of `manifest`'s version are all there and load."""
    if manifest.count == 0:
        return True
    return _load_version(index_dir(), manifest) is not None


_loaded = None
_loaded_stamp = None
_load_lock = threading.Lock()


def load_current():
    """The current index, mmap'd and cached per process; None when there is none (or it is broken)."""
    global _loaded, _loaded_stamp
    path = index_dir() / MANIFEST
    try:
        stat = path.stat()
        stamp = (stat.st_mtime_ns, stat.st_ino, stat.st_size)
    except FileNotFoundError:
        stamp = None
    with _load_lock:
        if stamp == _loaded_stamp and (_loaded is not None or stamp is None):
            return _loaded
        _loaded, _loaded_stamp = _load(path.parent), stamp
        return _loaded


def _load(folder):
    manifest = read_manifest()
    if manifest is None or manifest.count == 0:
        return None
    return _load_version(folder, manifest)


def _load_version(folder, manifest):
    try:
        product_ids = np.load(folder / f"{manifest.version}.ids.npy")
        annoy = AnnoyIndex(manifest.dim, "angular")
        annoy.load(str(folder / f"{manifest.version}.ann"))  # mmap; shared between processes
    except (OSError, ValueError) as exc:
        logger.warning("index version %s cannot be loaded: %s", manifest.version, exc)
        return None
    if annoy.get_n_items() != manifest.count or len(product_ids) != manifest.count:
        logger.warning("index version %s is inconsistent with its manifest", manifest.version)
        return None
    return LoadedIndex(manifest, annoy, product_ids)


def _fsync(path):
    with open(path, "rb") as handle:
        os.fsync(handle.fileno())


def _remove_old_versions(folder, keep):
    # Readers may still have an older version mmap'd; unlinking is safe for them on POSIX.
    versions = sorted({p.name.split(".")[0] for p in folder.glob("*.ann")} - {keep}, reverse=True)
    for version in versions[max(0, settings.INDEX_KEEP_VERSIONS - 1) :]:
        for path in folder.glob(f"{version}.*"):
            path.unlink(missing_ok=True)
