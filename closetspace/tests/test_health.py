import numpy as np

from closetspace.tests.factories import product
from recommender import index, services


def test_it_reports_healthy_parts(client, db):
    product(name="p", vector=np.ones(1664))
    services.index_rebuild()
    body = client.get("/healthz").json()
    assert body["status"] == "ok"
    assert body["database"] == {"ok": True}
    assert body["broker"]["ok"] is True
    assert body["index"]["ok"] is True and body["index"]["products"] == 1


def test_a_missing_index_is_reported_but_does_not_make_the_app_unhealthy(client, db):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["index"] == {"ok": False, "error": "no index yet", "indexable": False}


def test_a_corrupt_index_is_reported(client, db):
    product(name="p", vector=np.ones(1664))
    manifest = services.index_rebuild()
    (index.index_dir() / f"{manifest.version}.ids.npy").unlink()
    body = client.get("/healthz").json()
    assert body["index"]["ok"] is False and "corrupt" in body["index"]["error"]


def test_an_unreachable_broker_makes_it_unhealthy(client, db, settings):
    from closetspace.celery import app

    settings.CELERY_TASK_ALWAYS_EAGER = False
    previous = app.conf.broker_url
    app.conf.broker_url = "redis://127.0.0.1:1/0"  # nothing listens on port 1
    try:
        response = client.get("/healthz")
    finally:
        app.conf.broker_url = previous
    assert response.status_code == 503
    assert response.json()["broker"]["ok"] is False
