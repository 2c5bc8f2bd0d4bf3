"""The production topology, for real, without Docker: PostgreSQL, Redis, gunicorn, a Celery
worker and Celery beat, each its own process, talked to over HTTP.

PostgreSQL is the machine's (``TOPOLOGY_POSTGRES_URL``, default the local server with trust
auth); each run creates and drops its own database. Redis is started here, on a free port,
so that the tests can stop and restart it. Without PostgreSQL or ``redis-server`` the suite
is skipped with the reason, unless ``TOPOLOGY_REQUIRED=1`` (CI), where it fails instead.
"""

import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import psycopg
import pytest
import requests

ROOT = Path(__file__).resolve().parents[2]
PYTHON = sys.executable
BIN = Path(PYTHON).parent
POSTGRES_URL = os.environ.get("TOPOLOGY_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/postgres")


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(check, timeout, what):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = check()
        if result:
            return result
        time.sleep(0.25)
    raise AssertionError(f"timed out after {timeout} s waiting for {what}")


def _unavailable(reason):
    if os.environ.get("TOPOLOGY_REQUIRED") == "1":
        pytest.fail(f"the topology suite is required here, but {reason}")
    pytest.skip(reason=f"topology suite needs {reason}")


class Topology:
    """The running processes, and the levers the fault tests pull."""

    def __init__(self, workdir, database_url):
        self.workdir = workdir
        self.redis_port = free_port()
        self.web_port = free_port()
        self.base_url = f"http://127.0.0.1:{self.web_port}"
        self.processes = {}
        self.logs = {}  # name -> the log of its latest start
        self.env = {
            **os.environ,
            "DEBUG": "0",
            "SECRET_KEY": "topology-test-secret",
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "DATABASE_URL": database_url,
            "REDIS_URL": f"redis://127.0.0.1:{self.redis_port}/0",
            "MEDIA_ROOT": str(workdir / "media"),
            "INDEX_DIR": str(workdir / "index"),
            "STATIC_ROOT": str(workdir / "static"),
            # Short periods so that sweeps, rebuilds and redeliveries happen within a test.
            "INDEX_REBUILD_SECONDS": "2",
            "SWEEP_SECONDS": "2",
            "STALE_PENDING_SECONDS": "3",
            "CELERY_VISIBILITY_TIMEOUT": "8",
            "MALLOC_MMAP_THRESHOLD_": "4294967296",
            "MALLOC_TRIM_THRESHOLD_": "68719476736",
            "PYTHONUNBUFFERED": "1",
        }
        self.env.pop("CELERY_TASK_ALWAYS_EAGER", None)
        self.env.pop("CELERY_BROKER_URL", None)

    # processes -----------------------------------------------------------------

    def start(self, name, args):
        self.logs[name] = self.workdir / f"{name}-{time.time_ns()}.log"
        log = open(self.logs[name], "ab")
        self.processes[name] = subprocess.Popen(
            args, cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
        return self.processes[name]

    def stop(self, name, sig=signal.SIGTERM, timeout=20):
        process = self.processes.pop(name, None)
        if process is None or process.poll() is not None:
            return
        try:
            os.killpg(process.pid, sig)
        except ProcessLookupError:
            return
        try:
            process.wait(timeout)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout)

    def manage(self, *args, timeout=300):
        return subprocess.run(
            [PYTHON, "manage.py", *args], cwd=ROOT, env=self.env, capture_output=True, text=True, timeout=timeout
        )

    def start_redis(self):
        self.start(
            "redis",
            [
                "redis-server",
                "--port",
                str(self.redis_port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(self.workdir),
            ],
        )
        wait_for(self.redis_answers, 20, "redis")

    def redis_answers(self):
        try:
            with socket.create_connection(("127.0.0.1", self.redis_port), timeout=1) as sock:
                sock.sendall(b"PING\r\n")
                return sock.recv(16).startswith(b"+PONG")
        except OSError:
            return False

    def stop_redis(self):
        self.stop("redis", signal.SIGKILL)

    def start_worker(self, concurrency=2):
        self.start(
            "worker",
            [
                str(BIN / "celery"),
                "-A",
                "closetspace",
                "worker",
                "--concurrency",
                str(concurrency),
                "--loglevel",
                "INFO",
                "-n",
                f"topology-{time.time_ns()}@%h",
            ],
        )
        wait_for(lambda: self.log_contains("worker", "ready."), 90, "the Celery worker")

    def kill_worker(self):
        """SIGKILL the worker and its children: no chance to hand messages back."""
        self.stop("worker", signal.SIGKILL)

    def start_beat(self):
        self.start(
            "beat",
            [
                str(BIN / "celery"),
                "-A",
                "closetspace",
                "beat",
                "--loglevel",
                "INFO",
                "--schedule",
                str(self.workdir / "celerybeat-schedule"),
            ],
        )

    def start_web(self):
        self.start(
            "web",
            [
                str(BIN / "gunicorn"),
                "closetspace.wsgi",
                "--bind",
                f"127.0.0.1:{self.web_port}",
                "--workers",
                "2",
                "--threads",
                "4",
                "--timeout",
                "120",
            ],
        )
        wait_for(lambda: self.get_ok("/healthz"), 90, "gunicorn")

    def get_ok(self, path):
        try:
            return requests.get(self.base_url + path, timeout=5).status_code == 200
        except requests.RequestException:
            return False

    def log(self, name):
        """What the latest start of `name` has logged so far."""
        path = self.logs.get(name)
        return path.read_text(errors="replace") if path and path.exists() else ""

    def log_contains(self, name, text):
        return text in self.log(name)

    def health(self):
        return requests.get(self.base_url + "/healthz", timeout=10).json()

    def shutdown(self):
        for name in ("web", "beat", "worker", "redis"):
            self.stop(name)


class Person:
    """Somebody using Closetspace over HTTP: pages with a session, the API with a token."""

    def __init__(self, topology, username):
        self.base_url = topology.base_url
        self.session = requests.Session()
        page = self.session.get(self.base_url + "/signup/", timeout=10)
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
        response = self.session.post(
            self.base_url + "/signup/",
            data={
                "csrfmiddlewaretoken": token,
                "username": username,
                "password1": "a-long-test-password",
                "password2": "a-long-test-password",
            },
            headers={"Referer": self.base_url + "/signup/"},
            timeout=10,
        )
        assert response.status_code == 200 and response.url.endswith("/closet/upload/"), response.text[:500]
        key = requests.post(
            self.base_url + "/api/auth/token/",
            data={"username": username, "password": "a-long-test-password"},
            timeout=10,
        ).json()["token"]
        self.api = requests.Session()
        self.api.headers["Authorization"] = f"Token {key}"

    def upload(self, photo, **fields):
        response = self.api.post(
            self.base_url + "/api/wardrobe/items/", files={"image": ("photo.jpg", photo)}, data=fields, timeout=60
        )
        assert response.status_code == 201, response.text
        return response.json()

    def items(self):
        return self.api.get(self.base_url + "/api/wardrobe/items/?limit=500", timeout=30).json()["results"]

    def wait_until_settled(self, timeout=120):
        """Every item ready or failed; returns the items."""
        return wait_for(
            lambda: (items := self.items()) and all(i["status"] != "pending" for i in items) and items,
            timeout,
            "items to leave 'pending'",
        )

    def page(self, path):
        return self.session.get(self.base_url + path, timeout=30)


@pytest.fixture(scope="session")
def topology(tmp_path_factory):
    if shutil.which("redis-server") is None:
        _unavailable("redis-server on the PATH")
    name = f"closetspace_topology_{os.getpid()}"
    try:
        admin = psycopg.connect(POSTGRES_URL, autocommit=True, connect_timeout=5)
    except psycopg.OperationalError as exc:
        _unavailable(f"PostgreSQL at {POSTGRES_URL} ({exc})")
    admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
    admin.execute(f'CREATE DATABASE "{name}"')
    database_url = re.sub(r"/[^/]*$", f"/{name}", POSTGRES_URL)

    topology = Topology(tmp_path_factory.mktemp("topology"), database_url)
    try:
        for step in (("migrate", "--noinput"), ("collectstatic", "--noinput")):
            result = topology.manage(*step)
            assert result.returncode == 0, result.stderr
        topology.start_redis()
        topology.start_worker()
        topology.start_beat()
        topology.start_web()
        yield topology
    finally:
        topology.shutdown()
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()


@pytest.fixture(scope="session")
def stocked(topology, tmp_path_factory):
    """The demo catalogue imported through the worker, and indexed by beat."""
    from recommender.demo import write_demo_catalogue

    path = write_demo_catalogue(tmp_path_factory.mktemp("shop"), count=40)
    result = topology.manage("import_inventory", str(path))
    assert result.returncode == 0, result.stderr
    assert "Queued 40 product(s)" in result.stdout
    wait_for(lambda: topology.health()["index"].get("products") == 40, 180, "beat to index 40 products")
    return topology
