"""A Redis or PostgreSQL restart loses no click and turns no visitor away (issue 14, part 7).

The end-to-end tests run the portal (gunicorn) and the drainer as subprocesses against the
test database and a redis-server of the test's own (port 6390-6399, its own temporary folder,
AOF with appendfsync everysec), never the shared servers: that Redis is stopped and started
again from its files; PostgreSQL's "restart" is pg_terminate_backend on every connection to
the test database, repeated for a few seconds.
"""

from __future__ import annotations

import contextlib
import logging
import os
import shutil
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
import redis
from django.conf import settings
from django.db import connection
from django_scopes import scopes_disabled

from conftest import client_for
from network.tests.celery_worker import (
    TASK_TIMEOUT,
    read_log,
    running_worker,
    wait_for_log,
    worker_skip_reason,
)
from tracking.buffer import BUFFER_KEY, PROCESSING_KEY
from tracking.drain import drain_once
from tracking.models import Click, Conversion
from tracking.tasks import check_new_conversions
from tracking.tests.helpers import runner_world

ROOT = Path(__file__).resolve().parents[2]
IS_POSTGRES = "postgresql" in settings.DATABASES["default"]["ENGINE"]
REDIS_SERVER = shutil.which("redis-server")

needs_postgres = pytest.mark.skipif(
    not IS_POSTGRES,
    reason="the portal, the drainer and the test share the database: PostgreSQL only "
    "(set DATABASE_URL=postgres://...; CI does)",
)
needs_redis_server = pytest.mark.skipif(
    REDIS_SERVER is None, reason="needs the redis-server program to run a Redis of its own"
)
needs_redis_cache = pytest.mark.skipif(
    not os.environ.get("REDIS_URL"),
    reason="tests the Redis cache backend the settings choose with REDIS_URL (CI sets it)",
)

TOKEN = "t"  # the landing page's macro parameter that carries the click id


@pytest.fixture(autouse=True)
def _no_outage_left_over():
    """This process's breaker starts closed (imported here: the tests of behaviour must run,
    and fail, on code that has no breaker)."""
    try:
        from lib.resilience import redis_breaker
    except ImportError:
        yield
        return
    redis_breaker.reset()
    yield
    redis_breaker.reset()


# --- a Redis of the test's own -------------------------------------------------------------


def free_port(first: int, last: int) -> int:
    for port in range(first, last + 1):
        with socket.socket() as probe:
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    pytest.skip(f"no free port in {first}-{last} for a Redis of the test's own")


def wait_until(condition, timeout: float, what: str, interval: float = 0.05):
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            pytest.fail(f"waited {timeout} s for {what}")
        time.sleep(interval)


class OwnRedis:
    """redis-server on 127.0.0.1:<port>, persisting to its folder with AOF (everysec)."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.port = free_port(6390, 6399)
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        command = [
            REDIS_SERVER,
            "--bind", "127.0.0.1",
            "--port", str(self.port),
            "--dir", str(self.folder),
            "--appendonly", "yes",
            "--appendfsync", "everysec",
            "--save", "",
            "--daemonize", "no",
        ]  # fmt: skip
        log = (self.folder / "redis.log").open("ab")
        self.process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT)
        wait_until(self.answers, 10, "the test's Redis to start")

    def answers(self) -> bool:
        try:
            return redis.Redis(port=self.port, socket_connect_timeout=0.2).ping()
        except redis.exceptions.RedisError:
            return False

    def stop(self) -> None:
        """SHUTDOWN as an operator's restart does: the AOF is flushed, then it exits."""
        if self.process is None:
            return
        with contextlib.suppress(redis.exceptions.RedisError):  # it closes the connection
            redis.Redis(port=self.port).shutdown()
        self.process.wait(10)
        self.process = None

    def client(self) -> redis.Redis:
        return redis.Redis(port=self.port)


@pytest.fixture
def own_redis(tmp_path) -> Iterator[OwnRedis]:
    server = OwnRedis(tmp_path)
    server.start()
    try:
        yield server
    finally:
        if server.process is not None:
            server.process.kill()
            server.process.wait(10)


# --- the portal and the drainer as processes -----------------------------------------------


@pytest.fixture
def world(network, owner, publisher_user):
    world = runner_world(network, owner, publisher_user)
    with scopes_disabled():
        world["landing_page"].url_template = f"https://shop.example/?{TOKEN}={{transaction_id}}"
        world["landing_page"].save()
    return world


def stack_env(redis_url: str) -> dict[str, str]:
    db = settings.DATABASES["default"]
    return {
        **os.environ,
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
        "REDIS_URL": redis_url,
        "CELERY_BROKER_URL": redis_url.rsplit("/", 1)[0] + "/1",  # the same Redis goes away
        "CACHE_KEY_PREFIX": "restarts",
        "DEBUG": "0",
        "SECRET_KEY": "restart-test-key",
        "SECURE_SSL_REDIRECT": "0",
        "LOG_FORMAT": "text",
        "CLICK_DRAIN_BATCH": "500",
        "PYTHONUNBUFFERED": "1",
    }


@contextmanager
def process(command: list[str], env: dict, log: Path) -> Iterator[subprocess.Popen]:
    with log.open("ab") as output:
        proc = subprocess.Popen(command, cwd=ROOT, env=env, stdout=output, stderr=subprocess.STDOUT)
    try:
        yield proc
    finally:
        proc.terminate()
        try:
            proc.wait(15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(5)


@contextmanager
def portal_stack(tmp_path: Path, redis_url: str) -> Iterator[tuple[int, subprocess.Popen]]:
    """gunicorn (2 workers) and a drainer; yields the portal's port and the drainer."""
    env = stack_env(redis_url)
    port = free_port(18500, 18599)
    gunicorn = Path(sys.executable).parent / "gunicorn"
    web = [str(gunicorn), "tracking.wsgi", "-w", "2", "-b", f"127.0.0.1:{port}", "--timeout", "60"]
    drainer = [sys.executable, "manage.py", "drain_clicks"]
    with (
        process(web, env, tmp_path / "web.log"),
        process(drainer, env, tmp_path / "drainer.log") as drainer_process,
    ):
        wait_until(lambda: http_get(port, "/healthz", "localhost")[0] in (200, 503), 60, "gunicorn")
        yield port, drainer_process


def http_get(port: int, path: str, host: str) -> tuple[int, dict[str, str]]:
    """(status, headers); status 0 when the connection itself failed."""
    import http.client

    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        conn.request("GET", path, headers={"Host": host, "User-Agent": "restart-test"})
        answer = conn.getresponse()
        answer.read()
        return answer.status, dict(answer.getheaders())
    except OSError:
        return 0, {}
    finally:
        conn.close()


@dataclass
class Traffic:
    """Clicks from a few threads until stopped: what each answer was, and when."""

    port: int
    host: str
    path: str
    answers: list[tuple[float, int, str]] = field(default_factory=list)  # (time, status, id)
    stopping: threading.Event = field(default_factory=threading.Event)

    def run(self, threads: int = 4) -> list[threading.Thread]:
        workers = [threading.Thread(target=self._send, daemon=True) for _ in range(threads)]
        for worker in workers:
            worker.start()
        return workers

    def _send(self) -> None:
        while not self.stopping.is_set():
            status, headers = http_get(self.port, self.path, self.host)
            location = headers.get("Location", "")
            click_id = parse_qs(urlsplit(location).query).get(TOKEN, [""])[0]
            self.answers.append((time.monotonic(), status, click_id))

    def stop(self, workers: list[threading.Thread]) -> None:
        self.stopping.set()
        for worker in workers:
            worker.join(60)

    def redirected_ids(self, since: float = 0.0, until: float = float("inf")) -> set[str]:
        return {c for t, status, c in self.answers if status == 302 and since <= t <= until}

    def failures(self) -> list[int]:
        return [status for _t, status, _c in self.answers if status >= 500 or status == 0]


def stored(ids: set[str]) -> set[str]:
    with scopes_disabled():
        return set(Click.objects.filter(pk__in=ids).values_list("pk", flat=True))


def wait_until_stored(ids: set[str], timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while stored(ids) != ids:
        if time.monotonic() > deadline:
            missing = len(ids - stored(ids))
            pytest.fail(f"{missing} of {len(ids)} clicks answered 302 are not in PostgreSQL")
        time.sleep(0.5)


def postback(port: int, host: str, click_id: str, token: str) -> int:
    return http_get(port, f"/aff_lsr?transaction_id={click_id}&security_token={token}", host)[0]


@needs_postgres
@needs_redis_server
@pytest.mark.django_db(transaction=True)
def test_it_loses_no_click_and_turns_no_visitor_away_when_redis_restarts(
    network, world, own_redis, tmp_path
):
    host, token = network.portal_host, world["advertiser"].postback_token
    path = f"/aff_c?offer_id={world['offer'].pk}&aff_id={world['runner'].pk}"
    with portal_stack(tmp_path, own_redis.url) as (port, drainer):
        traffic = Traffic(port, host, path)
        workers = traffic.run()
        try:
            wait_until(lambda: len(traffic.redirected_ids()) >= 50, 30, "clicks before the outage")
            time.sleep(2)  # ~3 s of clicks through the buffer
            own_redis.stop()
            down_at = time.monotonic()
            # A click answered since is in the table already (the drainer cannot write while
            # Redis is down: it was inserted directly); its postback, while Redis is down.
            during = wait_until(
                lambda: sorted(stored(traffic.redirected_ids(since=down_at))), 10, "outage clicks"
            )[0]
            assert postback(port, host, during, token) == 200
            time.sleep(max(0.0, down_at + 5 - time.monotonic()))
            own_redis.start()  # from its files
            up_at = time.monotonic()
            time.sleep(3)
        finally:
            traffic.stop(workers)
        assert traffic.failures() == [], f"{len(traffic.failures())} clicks answered >= 500"
        outage_clicks = traffic.redirected_ids(since=down_at + 0.5, until=up_at - 0.5)
        assert outage_clicks, "no click was answered while Redis was down"
        print(  # figures for the report (pytest -s)
            f"redis restart: {len(traffic.answers)} clicks, {len(traffic.redirected_ids())} "
            f"answered 302, {len(outage_clicks)} of them while Redis was down"
        )
        wait_until_stored(traffic.redirected_ids(), 30)
        assert drainer.poll() is None, (tmp_path / "drainer.log").read_text()
        later = sorted(outage_clicks)[-1]
        assert postback(port, host, later, token) == 200
    own_redis.client().delete(BUFFER_KEY, PROCESSING_KEY)
    connection.close()


def terminate_test_database_connections() -> int:
    """pg_terminate_backend on every other connection to this database: to the processes it
    looks like a PostgreSQL restart (AdminShutdown, then refused... here: reconnects)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
        return cursor.fetchone()[0]


@needs_postgres
@needs_redis_server
@pytest.mark.django_db(transaction=True)
def test_it_loses_no_click_and_answers_no_500_when_postgresql_restarts(
    network, world, own_redis, tmp_path
):
    host, token = network.portal_host, world["advertiser"].postback_token
    path = f"/aff_c?offer_id={world['offer'].pk}&aff_id={world['runner'].pk}"
    with portal_stack(tmp_path, own_redis.url) as (port, drainer):
        traffic = Traffic(port, host, path)
        workers = traffic.run()
        postbacks: list[int] = []
        try:
            wait_until(lambda: len(traffic.redirected_ids()) >= 50, 30, "clicks before the outage")
            time.sleep(2)
            before = sorted(traffic.redirected_ids())[:20]
            wait_until_stored(set(before), 10)
            outage_ends = time.monotonic() + 5
            terminated = 0
            while time.monotonic() < outage_ends:
                terminated += terminate_test_database_connections()
                postbacks.append(postback(port, host, before[len(postbacks) % 20], token))
                time.sleep(0.2)
            time.sleep(3)
        finally:
            traffic.stop(workers)
        assert terminated > 0, "the stack held no database connection to terminate"
        assert traffic.failures() == [], f"{len(traffic.failures())} clicks answered >= 500"
        # A postback during the outage may ask to be retried (503), never fails with 500.
        assert set(postbacks) <= {200, 503}, postbacks
        print(
            f"postgresql restart: {len(traffic.answers)} clicks answered 302, {terminated} "
            f"connections terminated, postbacks during it: {sorted(postbacks)}"
        )
        wait_until_stored(traffic.redirected_ids(), 30)
        assert drainer.poll() is None, (tmp_path / "drainer.log").read_text()
        assert wait_until(lambda: postback(port, host, before[0], token) == 200, 10, "postback")
    own_redis.client().delete(BUFFER_KEY, PROCESSING_KEY)
    connection.close()


# --- in-process: the pieces ------------------------------------------------------------------


class DeadRedis:
    """A port that accepts TCP connections and closes them at once (a Redis that is not
    answering), counting how often it was tried."""

    def __init__(self):
        self.listener = socket.socket()
        self.listener.bind(("127.0.0.1", 0))
        self.listener.listen(64)
        self.port = self.listener.getsockname()[1]
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.connects = 0
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self) -> None:
        while True:
            try:
                peer, _ = self.listener.accept()
            except OSError:
                return
            self.connects += 1
            peer.close()

    def close(self) -> None:
        self.listener.close()


@pytest.fixture
def dead_redis(settings):
    """The click buffer and the cache both on a Redis that does not answer."""
    dead = DeadRedis()
    caches = settings.CACHES
    settings.REDIS_URL = dead.url
    settings.CACHES = {"default": {**caches["default"], "LOCATION": dead.url}}
    yield dead
    settings.CACHES = caches  # before the shared fixtures' teardown clears the cache
    dead.close()


@needs_redis_cache
@pytest.mark.django_db
def test_it_records_clicks_and_serves_pages_while_redis_is_down(network, world, dead_redis):
    client = client_for(network)
    url = f"/aff_c?offer_id={world['offer'].pk}&aff_id={world['runner'].pk}"
    first, second = client.get(url), client.get(url)
    assert (first.status_code, second.status_code) == (302, 302)
    with scopes_disabled():
        clicks = dict(Click.objects.values_list("pk", "is_unique"))
    first_id = first.cookies[f"tid_{world['offer'].pk}"].value
    second_id = second.cookies[f"tid_{world['offer'].pk}"].value
    assert clicks == {first_id: True, second_id: False}  # the same visitor, the same process
    assert client.get("/accounts/login/").status_code == 200  # host lookup: a cache miss


@needs_redis_cache
@pytest.mark.django_db
def test_it_tries_a_dead_redis_once_per_interval_not_once_per_click(network, world, dead_redis):
    client = client_for(network)
    url = f"/aff_c?offer_id={world['offer'].pk}&aff_id={world['runner'].pk}"
    started = time.monotonic()
    answers = {client.get(url).status_code for _ in range(50)}
    intervals = (time.monotonic() - started) / 2.0  # the breaker's interval
    assert answers == {302}
    # The first failure (a connect and its one retry), then one probe per interval.
    assert dead_redis.connects <= 2 + int(intervals) + 1, dead_redis.connects
    with scopes_disabled():
        assert Click.objects.count() == 50


def test_it_lets_one_probe_through_after_each_interval():
    from lib.resilience import CircuitBreaker

    breaker = CircuitBreaker("test", interval=0.05)
    breaker.failed(redis.exceptions.ConnectionError("refused"))
    assert not breaker.allow()
    time.sleep(0.06)
    assert [breaker.allow() for _ in range(5)] == [True, False, False, False, False]
    breaker.succeeded()
    assert breaker.allow()


@needs_postgres
@needs_redis_server
@pytest.mark.django_db(transaction=True)
def test_it_writes_a_batch_held_through_a_database_outage_exactly_once(
    network, world, own_redis, settings, caplog
):
    from lib.resilience import Backoff, keep_running

    settings.REDIS_URL = own_redis.url
    client = client_for(network)
    url = f"/aff_c?offer_id={world['offer'].pk}&aff_id={world['runner'].pk}"
    ids = {client.get(url).cookies[f"tid_{world['offer'].pk}"].value for _ in range(30)}
    killer = connection.copy()  # another session, to terminate this one's
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        (pid,) = cursor.fetchone()
    with killer.cursor() as cursor:
        cursor.execute("SELECT pg_terminate_backend(%s)", [pid])
    killer.close()
    steps = []

    def step():
        steps.append(len(steps))
        drain_once(1000)  # the first: moved to processing, then the COPY fails

    keep_running(
        step,
        name="test drainer",
        log=logging.getLogger("test"),
        backoff=Backoff(first=0.01),
        until=lambda: len(steps) >= 2 and not own_redis.client().exists(PROCESSING_KEY),
        sleep=lambda _seconds: None,
    )
    assert "retrying in" in caplog.text  # the COPY failed once, and the loop went on
    with scopes_disabled():
        assert set(Click.objects.values_list("pk", flat=True)) == ids
    assert own_redis.client().llen(BUFFER_KEY) == 0


# --- the Celery worker -------------------------------------------------------------------------


@contextmanager
def database_refusing_connections() -> Iterator[None]:
    """New connections to the test database are refused (ALLOW_CONNECTIONS false, on the
    test's own database only) and the open ones terminated: PostgreSQL is "down" for every
    process but this test. Set from the maintenance database (PostgreSQL refuses it from the
    database itself)."""
    import psycopg

    db = settings.DATABASES["default"]
    name = db["NAME"].replace('"', "")
    admin = psycopg.connect(
        host=db["HOST"], port=db["PORT"], user=db["USER"], dbname="postgres", autocommit=True
    )
    try:
        admin.execute(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS false')
        try:
            terminate_test_database_connections()
            yield
        finally:
            admin.execute(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS true')
    finally:
        admin.close()


@pytest.mark.skipif(worker_skip_reason() is not None, reason=worker_skip_reason() or "")
@pytest.mark.django_db(transaction=True)
def test_it_retries_a_task_that_met_a_database_restart(
    network, world, celery_queue, tmp_path, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks():  # a conversion left unchecked: no task yet
        client = client_for(network)
        url = f"/aff_c?offer_id={world['offer'].pk}&aff_id={world['runner'].pk}"
        click_id = client.get(url).cookies[f"tid_{world['offer'].pk}"].value
        token = world["advertiser"].postback_token
        client.get(f"/aff_lsr?transaction_id={click_id}&security_token={token}")
    log = tmp_path / "worker.log"
    with running_worker(celery_queue, log) as worker:
        with database_refusing_connections():
            check_new_conversions.delay(network_id=network.pk)
            wait_for_log(log, "Retry in", worker, TASK_TIMEOUT, "the task to be retried")

        def checked():
            with scopes_disabled():
                return Conversion.objects.filter(fraud_checked_at__isnull=False).exists()

        deadline = time.monotonic() + TASK_TIMEOUT
        while not checked():
            assert time.monotonic() < deadline, read_log(log)
            time.sleep(0.25)


@needs_redis_server
def test_it_takes_the_drainer_lock_again_when_a_restarted_redis_lost_it(own_redis, settings):
    from tracking.drain import LOCK_KEY
    from tracking.management.commands.drain_clicks import Command

    settings.REDIS_URL = own_redis.url
    drainer = Command()
    drainer.lock = None
    drainer.hold_lock()
    assert drainer.lock.owned()
    own_redis.client().delete(LOCK_KEY)  # a Redis restarted without its data (no AOF)
    drainer.hold_lock()
    assert drainer.lock.owned()
    assert own_redis.client().get(LOCK_KEY) == drainer.lock.local.token
