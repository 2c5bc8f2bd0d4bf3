from closetspace.celery import app


def test_every_beat_entry_names_a_registered_task():
    app.loader.import_default_modules()
    schedule = app.conf.beat_schedule
    assert {entry["task"] for entry in schedule.values()} == {
        "recommender.tasks.rebuild_index",
        "recommender.tasks.embed_stale",
        "wardrobe.tasks.embed_stale_items",
    }
    assert all(entry["task"] in app.tasks for entry in schedule.values())


def test_embedding_tasks_are_acknowledged_late_so_a_killed_worker_redoes_them():
    app.loader.import_default_modules()
    for name in ("wardrobe.tasks.embed_wardrobe_item", "recommender.tasks.embed_products"):
        assert app.tasks[name].acks_late
    assert app.conf.task_reject_on_worker_lost and app.conf.worker_prefetch_multiplier == 1
