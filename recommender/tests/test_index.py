import json
import threading

import numpy as np
import pytest

from closetspace.tests.factories import product
from recommender import index, services
from recommender.models import Product


def unit(rng, n=1, dim=1664):
    vectors = rng.normal(size=(n, dim)).astype(np.float32)
    return vectors / np.linalg.norm(vectors, axis=1, keepdims=True)


def test_it_builds_loads_and_queries_an_index(settings):
    rng = np.random.default_rng(1)
    vectors = unit(rng, 200)
    manifest = index.build(vectors, list(range(1000, 1200)), fingerprint="f1", encoder_version="v")
    loaded = index.load_current()
    assert manifest.count == 200 and loaded.manifest.version == manifest.version
    nearest = loaded.nearest(vectors[17], 5)
    assert nearest[0][0] == 1017 and nearest[0][1] == pytest.approx(0, abs=1e-3)


def test_a_new_version_is_swapped_in_and_readers_pick_it_up(settings):
    rng = np.random.default_rng(2)
    first = index.build(unit(rng, 10), list(range(10)), fingerprint="a", encoder_version="v")
    assert index.load_current().manifest.version == first.version
    second = index.build(unit(rng, 20), list(range(20)), fingerprint="b", encoder_version="v")
    assert index.load_current().manifest.version == second.version
    assert len(index.load_current()) == 20


def test_old_versions_are_cleaned_up(settings):
    settings.INDEX_KEEP_VERSIONS = 2
    rng = np.random.default_rng(3)
    for n in range(4):
        index.build(unit(rng, 5), list(range(5)), fingerprint=str(n), encoder_version="v")
    assert len(list(index.index_dir().glob("*.ann"))) == 2


def test_a_missing_or_corrupt_index_loads_as_none(settings):
    assert index.load_current() is None
    rng = np.random.default_rng(4)
    manifest = index.build(unit(rng, 5), list(range(5)), fingerprint="x", encoder_version="v")
    (index.index_dir() / f"{manifest.version}.ann").write_bytes(b"\0" * 100)
    (index.index_dir() / "current.json").write_text(json.dumps({**manifest.__dict__, "built_at": 1.0}))
    assert index.load_current() is None
    (index.index_dir() / "current.json").write_text("{not json")
    assert index.load_current() is None


def test_only_one_build_runs_at_a_time(settings):
    inside, release = threading.Event(), threading.Event()

    def hold():
        with index.build_lock():
            inside.set()
            release.wait(5)

    holder = threading.Thread(target=hold)
    holder.start()
    inside.wait(5)
    try:
        with pytest.raises(index.IndexBusy):
            with index.build_lock():
                pass
    finally:
        release.set()
        holder.join()


def test_rebuild_indexes_active_embedded_products_only_when_the_inventory_changed(db):
    rng = np.random.default_rng(5)
    shown = [product(name=f"p{n}", vector=v) for n, v in enumerate(unit(rng, 3))]
    product(name="hidden", vector=unit(rng)[0], is_active=False)
    product(name="not embedded yet")
    manifest = services.index_rebuild()
    assert manifest.count == 3
    assert set(index.load_current().product_ids.tolist()) == {p.id for p in shown}
    assert services.index_rebuild() is None  # nothing changed
    assert not services.index_is_stale()
    Product.objects.filter(pk=shown[0].pk).update(is_active=False)
    Product.objects.filter(pk=shown[0].pk).first().save()
    assert services.index_is_stale()
    assert services.index_rebuild().count == 2


def test_an_empty_inventory_gives_no_index(db):
    manifest = services.index_rebuild()
    assert manifest.count == 0
    assert index.load_current() is None


def test_the_beat_task_rebuilds_through_the_same_service(db):
    from recommender.tasks import rebuild_index

    product(name="p", vector=unit(np.random.default_rng(6))[0])
    assert rebuild_index.delay().get() is not None
    assert rebuild_index.delay().get() is None


def test_a_corrupt_index_with_an_unchanged_inventory_is_rebuilt(db):
    product(name="p", vector=unit(np.random.default_rng(7))[0])
    manifest = services.index_rebuild()
    (index.index_dir() / f"{manifest.version}.ann").write_bytes(b"broken")
    assert not index.is_intact(index.read_manifest())
    repaired = services.index_rebuild()
    assert repaired is not None and index.is_intact(repaired)
    assert len(index.load_current()) == 1


def test_a_missing_index_file_is_rebuilt(db):
    product(name="p", vector=unit(np.random.default_rng(8))[0])
    manifest = services.index_rebuild()
    (index.index_dir() / f"{manifest.version}.ann").unlink()
    assert services.index_rebuild() is not None
    assert index.load_current() is not None
