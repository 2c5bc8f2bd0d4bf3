"""The production topology over HTTP, and the faults it must survive without losing anything."""

import csv
import json
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from closetspace.tests.factories import photo_bytes

from .conftest import PYTHON, ROOT, Person, wait_for

pytestmark = pytest.mark.topology

COLOURS = [(200, 30, 30), (30, 60, 160), (30, 140, 60), (230, 200, 40), (40, 40, 40), (240, 240, 240)]


def photo(n):
    return photo_bytes(colour=COLOURS[n % len(COLOURS)], shape=("shirt", "trousers", "shoe")[n % 3])


def test_a_person_signs_up_uploads_and_gets_recommendations_through_the_worker(stocked):
    person = Person(stocked, "ada")
    for n in range(3):
        person.upload(photo(n), name=f"Item {n}")
    items = person.wait_until_settled(60)
    assert [item["status"] for item in items] == ["ready"] * 3

    body = person.api.get(stocked.base_url + "/api/recommendations/?limit=8", timeout=30).json()
    assert body["state"] == "ok" and len(body["results"]) == 8
    page = person.page("/recommendations/")
    assert page.status_code == 200 and page.text.count('class="card product-card"') == 12
    assert person.page("/closet/").text.count("Ready") >= 3


def test_beat_rebuilds_the_index_after_the_inventory_changes(stocked, tmp_path):
    from recommender.demo import write_demo_catalogue

    before = stocked.health()["index"]["version"]
    path = write_demo_catalogue(tmp_path / "more", count=5, seed=11)
    with open(path, newline="") as handle:
        rows = list(csv.DictReader(handle))
    with open(path, "w", newline="") as handle:  # new ids, so new products
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows({**row, "id": f"new-{row['id']}"} for row in rows)
    result = stocked.manage("import_inventory", str(path))
    assert result.returncode == 0 and "5 created" in result.stdout, result.stdout + result.stderr
    index = wait_for(lambda: (h := stocked.health()["index"]).get("products") == 45 and h, 120, "the rebuild")
    assert index["version"] != before


def test_an_upload_while_redis_is_down_is_kept_and_finished_when_it_is_back(stocked):
    person = Person(stocked, "redisdown")
    stocked.stop_redis()
    try:
        started = time.monotonic()
        created = person.upload(photo(1), name="Uploaded during the outage")
        assert time.monotonic() - started < 10  # the broker being down does not hang the request
        assert created["status"] == "pending"
        health = stocked.health()
        assert health["status"] == "unhealthy" and health["broker"]["ok"] is False
    finally:
        stocked.start_redis()
    items = person.wait_until_settled(120)  # the sweep resends it once Redis is back
    assert [(i["name"], i["status"]) for i in items] == [("Uploaded during the outage", "ready")]


def test_a_worker_killed_mid_task_has_its_work_done_again_once(stocked):
    person = Person(stocked, "killed")
    stocked.kill_worker()
    for n in range(30):
        person.upload(photo(n))
    stocked.start_worker()
    # SIGKILL it as soon as it has taken tasks, before it can acknowledge them all.
    wait_for(lambda: stocked.log_contains("worker", "embed_wardrobe_item"), 60, "the worker to receive tasks")
    stocked.kill_worker()
    unfinished = [i for i in person.items() if i["status"] == "pending"]
    assert unfinished, "the worker finished everything before it was killed"
    stocked.start_worker()
    items = person.wait_until_settled(180)  # redelivered after the visibility timeout
    assert len(items) == 30 and {i["status"] for i in items} == {"ready"}
    assert len({i["id"] for i in items}) == 30


def test_a_photo_that_cannot_be_read_fails_with_a_reason_and_can_be_retried(stocked):
    person = Person(stocked, "broken")
    item = person.upload(photo(2))
    person.wait_until_settled(60)
    stored = Path(stocked.env["MEDIA_ROOT"]) / _photo_path(stocked, item["id"])
    good = stored.read_bytes()
    stored.write_bytes(b"no longer a photo")
    url = f"{stocked.base_url}/api/wardrobe/items/{item['id']}/"
    assert person.api.post(url + "retry/", timeout=10).status_code == 200
    failed = wait_for(lambda: (i := person.api.get(url, timeout=10).json())["status"] == "failed" and i, 60, "failure")
    assert "not a photo we can read" in failed["error"]
    assert "not a photo we can read" in person.page("/closet/").text  # shown to its owner

    stored.write_bytes(good)
    person.api.post(url + "retry/", timeout=10)
    wait_for(lambda: person.api.get(url, timeout=10).json()["status"] == "ready", 60, "the retry")


def _photo_path(topology, item_id):
    result = topology.manage(
        "shell",
        "-c",
        f"from wardrobe.models import WardrobeItem; print(WardrobeItem.objects.get(pk={item_id}).image.name)",
    )
    return result.stdout.strip().splitlines()[-1]


def test_a_corrupt_index_still_renders_and_the_next_rebuild_repairs_it(stocked):
    person = Person(stocked, "corrupt")
    person.upload(photo(0))
    person.wait_until_settled(60)
    index_dir = Path(stocked.env["INDEX_DIR"])
    manifest = json.loads((index_dir / "current.json").read_text())
    (index_dir / f"{manifest['version']}.ann").write_bytes(b"\0" * 64)

    page = person.page("/recommendations/")
    assert page.status_code == 200
    assert "Recommendations are being prepared" in page.text or page.text.count("product-card") == 12
    wait_for(lambda: stocked.health()["index"]["ok"], 60, "beat to repair the index")
    assert person.page("/recommendations/").text.count('class="card product-card"') == 12


def test_two_rebuilds_at_once_never_corrupt_the_index(stocked):
    runs = [
        subprocess.Popen(
            [PYTHON, "manage.py", "rebuild_index", "--force"],
            cwd=ROOT,
            env=stocked.env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(3)
    ]
    outputs = [run.communicate(timeout=300) for run in runs]
    assert all(run.returncode == 0 for run in runs), outputs
    assert stocked.health()["index"]["ok"]


def test_many_people_uploading_at_once_lose_nothing(stocked, record_property):
    people = [Person(stocked, f"crowd{n}") for n in range(20)]
    started = time.monotonic()
    with ThreadPoolExecutor(max_workers=20) as pool:
        list(pool.map(lambda pair: pair[0].upload(photo(pair[1])), [(p, n) for p in people for n in range(10)]))
    uploaded = time.monotonic() - started
    for person in people:
        items = person.wait_until_settled(300)
        assert len(items) == 10 and {i["status"] for i in items} == {"ready"}
        assert len({i["id"] for i in items}) == 10
    total = time.monotonic() - started
    record_property("concurrent_uploads", f"200 photos: uploaded in {uploaded:.1f} s, all ready in {total:.1f} s")
    print(f"\n20 users x 10 photos: uploaded in {uploaded:.1f} s, all ready after {total:.1f} s", file=sys.stderr)
