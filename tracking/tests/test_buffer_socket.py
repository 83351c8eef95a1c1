"""A Redis on the same machine through its socket file (REDIS_URL=unix:///path?db=N): the click
path and the drainer both reach it, and a click answered is a click stored."""

from __future__ import annotations

import shutil
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import redis
from django_scopes import scope, scopes_disabled

from conftest import client_for, make_world
from tracking import buffer
from tracking.drain import drain_once
from tracking.models import Click

REDIS_SERVER = shutil.which("redis-server")

pytestmark = pytest.mark.skipif(
    REDIS_SERVER is None, reason="needs the redis-server program to run a Redis of its own"
)


@pytest.fixture
def socket_redis(tmp_path: Path, settings) -> Iterator[redis.Redis]:
    """A redis-server listening on a socket file only (no TCP port), as REDIS_URL."""
    path = tmp_path / "redis.sock"
    process = subprocess.Popen(
        [REDIS_SERVER, "--port", "0", "--unixsocket", str(path), "--unixsocketperm", "700",
         "--save", "", "--appendonly", "no", "--dir", str(tmp_path)],
        stdout=subprocess.DEVNULL,
    )  # fmt: skip
    conn = redis.Redis(unix_socket_path=str(path), db=3)
    deadline = time.monotonic() + 10
    while not _answers(conn):
        assert time.monotonic() < deadline, "the test's Redis did not start"
        time.sleep(0.05)
    settings.REDIS_URL = f"unix://{path}?db=3"
    try:
        yield conn
    finally:
        process.kill()
        process.wait(10)


def _answers(conn: redis.Redis) -> bool:
    try:
        return conn.ping()
    except redis.exceptions.RedisError:
        return False


@pytest.mark.django_db(transaction=True)
def test_a_click_goes_through_a_socket_file_redis_to_the_table(
    network, owner, publisher_user, socket_redis
):
    world = make_world(network, owner)
    with scope(network=network):
        runner = publisher_user.memberships.get().publisher
    url = f"/aff_c?offer_id={world['offer'].pk}&aff_id={runner.pk}"
    first, again = client_for(network).get(url), client_for(network).get(url)
    assert (first.status_code, again.status_code) == (302, 302)
    assert socket_redis.llen(buffer.BUFFER_KEY) == 2  # buffered there, not written directly
    with scopes_disabled():
        assert not Click.objects.exists()

    assert drain_once(100) == 2
    with scopes_disabled():
        stored = dict(Click.objects.values_list("pk", "is_unique"))
    offer = world["offer"].pk
    assert stored == {
        first.cookies[f"tid_{offer}"].value: True,
        again.cookies[f"tid_{offer}"].value: False,  # the same visitor: decided by that Redis
    }
