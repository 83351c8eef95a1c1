"""Every interleaving of the drainer and a postback for a click that is on its way (the list in
tracking/drain.py's docstring), played step by step: the drainer is paused at one step, and
released at a chosen point of the postback (after its first or second read of the click table,
or when it starts waiting), which is held there until the drainer has finished. No sleeps: each
side waits for an event the other sets.
"""

from __future__ import annotations

import socket
import threading
import time

import pytest
import redis
from django.db import connection, connections
from django_scopes import scope, scopes_disabled

from conftest import client_for
from tracking import buffer as buffer_module
from tracking import drain
from tracking.buffer import BUFFER_KEY, PROCESSING_KEY
from tracking.drain import LOCK_KEY
from tracking.models import Click, Conversion, RejectedPostback
from tracking.tests.helpers import emptied_buffer, needs_postgres, needs_redis

MOVED_KEY, WRITTEN_KEY = "clicks:moved", "clicks:written"  # the drainer's counters
STEP_SECONDS = 20  # how long one side waits for the other's event before the test fails

pytestmark = [
    needs_postgres("the drainer's COPY and concurrent readers need PostgreSQL"),
    needs_redis,
    pytest.mark.django_db(transaction=True),
]


@pytest.fixture
def buffer(settings):
    yield from emptied_buffer(settings)


def new_click(network, world) -> str:
    response = client_for(network).get(
        f"/aff_c?offer_id={world['offer'].pk}&aff_id={world['runner'].pk}"
    )
    assert response.status_code == 302
    return response.cookies[f"tid_{world['offer'].pk}"].value


def postback(network, world, click_id: str):
    token = world["advertiser"].postback_token
    return client_for(network).get(f"/aff_lsr?transaction_id={click_id}&security_token={token}")


def stored(click_id: str) -> bool:
    with scopes_disabled():
        return Click.objects.filter(pk=click_id).exists()


class Drainer(threading.Thread):
    """The drainer at work: holds the lock and runs drain_once, pausing at each step of
    `pauses` ("lock": before taking a batch; "taken"; "copy": COPY sent, not committed;
    "written": committed, processing list not yet deleted) until told to go on."""

    def __init__(self, conn: redis.Redis, *pauses: str):
        super().__init__(daemon=True)
        self.conn, self.pauses = conn, list(pauses)
        self.paused, self.go_on, self.done = threading.Event(), threading.Event(), threading.Event()
        self.error: BaseException | None = None

    def run(self):
        lock = self.conn.lock(LOCK_KEY, timeout=60, thread_local=False)
        try:
            assert lock.acquire(blocking=False)
            self.pause("lock")
            drain.drain_once(1000)
        except BaseException as error:  # shown by the test, not lost in the thread
            self.error = error
        finally:
            lock.release()
            connections.close_all()
            self.done.set()

    def pause(self, step: str) -> None:
        if threading.current_thread() is self and self.pauses and step == self.pauses[0]:
            self.pauses.pop(0)
            self.go_on.clear()
            self.paused.set()
            assert self.go_on.wait(STEP_SECONDS), "the postback never reached its step"

    def wait_paused(self) -> None:
        assert self.paused.wait(STEP_SECONDS), "the drainer never reached its step"
        self.paused.clear()

    def advance(self) -> None:
        """Let it go on to its next pause."""
        self.go_on.set()
        self.wait_paused()

    def finish(self) -> None:
        """Let it go and wait until it has acknowledged its batch and released the lock."""
        self.pauses.clear()
        self.go_on.set()
        assert self.done.wait(STEP_SECONDS), "the drainer did not finish"


def hook_drainer(monkeypatch, drainer: Drainer) -> None:
    # raising=False: the code before on_step existed runs these tests too (and fails them).
    monkeypatch.setattr(drain, "on_step", drainer.pause, raising=False)
    real_copy = drain._copy

    def copy_then_pause(cursor, table, items):  # inside the COPY's transaction
        real_copy(cursor, table, items)
        drainer.pause("copy")

    monkeypatch.setattr(drain, "_copy", copy_then_pause)


class Postback:
    """Watches the postback (on this thread): its reads of the click table that miss, and
    its sleeps. At the chosen point it lets the drainer finish and waits for it."""

    def __init__(self, drainer: Drainer, release_after_misses: int | None):
        self.drainer, self.release_after = drainer, release_after_misses
        self.misses, self.released = 0, False

    def __call__(self, execute, sql, params, many, context):
        result = execute(sql, params, many, context)
        if self._is_click_read(sql) and context["cursor"].rowcount == 0:
            self.misses += 1
            if self.misses == self.release_after:
                self._let_drainer_finish()
        return result

    @staticmethod
    def _is_click_read(sql: str) -> bool:
        return (
            sql.lstrip().upper().startswith("SELECT")
            and "tracking_click" in sql
            and (
                "network_id <>" not in sql  # the "is it another network's click" question
            )
        )

    def sleep(self, seconds: float) -> None:
        self._let_drainer_finish()  # a waiting postback: the drainer goes on meanwhile
        time.sleep(seconds)

    monotonic = staticmethod(time.monotonic)

    def _let_drainer_finish(self):
        if not self.released:
            self.released = True
            self.drainer.finish()


def play(monkeypatch, network, world, buffer, pause_at: str, release_after_misses):
    click_id = new_click(network, world)
    drainer = Drainer(buffer, pause_at)
    hook_drainer(monkeypatch, drainer)
    drainer.start()
    drainer.wait_paused()
    watcher = Postback(drainer, release_after_misses)
    monkeypatch.setattr(drain, "time", watcher)  # only the postback sleeps in drain.py
    with connection.execute_wrapper(watcher):
        response = postback(network, world, click_id)
    drainer.finish()
    assert drainer.error is None, drainer.error
    return click_id, response, watcher


@pytest.mark.parametrize("release_after_misses", [1, 2, None], ids=["miss1", "miss2", "wait"])
@pytest.mark.parametrize("pause_at", ["lock", "taken", "copy"])
def test_it_finds_a_click_wherever_the_drainer_at_work_has_it(
    monkeypatch, network, world, buffer, pause_at, release_after_misses
):
    """Interleavings 3-5. ("copy", "miss2") is issue 14's bug: the postback read the table
    twice while the COPY was in flight, the drainer then finished, and the postback saw an
    empty buffer and answered 404."""
    click_id, response, watcher = play(
        monkeypatch, network, world, buffer, pause_at, release_after_misses
    )
    assert response.status_code == 200, response.content
    assert watcher.released  # the drainer really was in that state while the postback looked
    with scopes_disabled():
        assert Conversion.objects.get().click_id == click_id
    assert buffer.llen(BUFFER_KEY) == buffer.llen(PROCESSING_KEY) == 0
    assert int(buffer.get(WRITTEN_KEY)) == int(buffer.get(MOVED_KEY)) == 1


def test_it_finds_a_click_committed_while_it_looked_before_the_list_is_deleted(
    monkeypatch, network, world, buffer
):
    """Interleaving 6: the postback's first read misses (COPY in flight); the drainer commits
    and stops before deleting the processing list (written has not moved): read again, found."""
    click_id = new_click(network, world)
    drainer = Drainer(buffer, "copy", "written")
    hook_drainer(monkeypatch, drainer)
    drainer.start()
    drainer.wait_paused()

    class CommitAfterFirstMiss(Postback):
        def _let_drainer_finish(self):
            if not self.released:
                self.released = True
                drainer.advance()  # to "written": committed, not acknowledged

    watcher = CommitAfterFirstMiss(drainer, 1)
    with connection.execute_wrapper(watcher):
        response = postback(network, world, click_id)
    assert watcher.released and buffer.llen(PROCESSING_KEY) == 1  # it was found in that state
    drainer.finish()
    assert response.status_code == 200, response.content


def test_it_finds_a_committed_click_at_once(network, world, buffer):
    """Interleaving 1."""
    click_id = new_click(network, world)
    assert drain.drain_once(1000) == 1
    assert postback(network, world, click_id).status_code == 200


def test_it_drains_the_buffer_itself_when_no_drainer_is_at_work(network, world, buffer):
    """Interleaving 2; the counters say afterwards that everything moved is written."""
    click_ids = [new_click(network, world) for _ in range(3)]
    assert not stored(click_ids[1])
    response = postback(network, world, click_ids[1])
    assert response.status_code == 200, response.content
    assert all(stored(click_id) for click_id in click_ids)
    assert buffer.llen(BUFFER_KEY) == buffer.llen(PROCESSING_KEY) == 0
    assert int(buffer.get(WRITTEN_KEY)) == int(buffer.get(MOVED_KEY)) == 3


def test_it_writes_a_crashed_drainers_batch_when_its_lock_is_gone(network, world, buffer):
    """Interleaving 7: taken, then the drainer died (its lock expired)."""
    click_id = new_click(network, world)
    items, leftover = drain.take_batch(buffer, 1000)
    assert (len(items), leftover) == (1, False)
    response = postback(network, world, click_id)
    assert response.status_code == 200, response.content
    assert buffer.llen(PROCESSING_KEY) == 0
    assert int(buffer.get(WRITTEN_KEY)) == int(buffer.get(MOVED_KEY)) == 1


def test_it_finds_a_click_a_crashed_drainer_committed_but_did_not_acknowledge(
    network, world, buffer
):
    """Interleaving 7, the other crash: the rows are in, the processing list too."""
    click_id = new_click(network, world)
    items, _ = drain.take_batch(buffer, 1000)
    drain.write_items(drain.copy_lines(buffer, items))
    assert postback(network, world, click_id).status_code == 200
    assert drain.drain_once(1000) == 1  # the restarted drainer: written again, skipped
    with scopes_disabled():
        assert Click.objects.count() == 1
    assert int(buffer.get(WRITTEN_KEY)) == int(buffer.get(MOVED_KEY)) == 1


def test_it_asks_for_a_retry_while_a_dead_drainers_lock_holds_its_batch(
    monkeypatch, network, world, buffer
):
    """Interleaving 7 before the lock expired: "retry" at the deadline, and the retry, once
    the batch is written, succeeds."""
    monkeypatch.setattr(drain, "WAIT_SECONDS", 0.2)
    click_id = new_click(network, world)
    drain.take_batch(buffer, 1000)
    buffer.set(LOCK_KEY, b"dead-drainer", ex=60)
    started = time.monotonic()
    response = postback(network, world, click_id)
    assert (response.status_code, response["Retry-After"]) == (503, "60")
    assert response.content.startswith(b"success=false; err_msg=unknown_transaction_id")
    assert time.monotonic() - started < 10  # the deadline holds
    with scope(network=network):
        assert RejectedPostback.objects.get().reason == "unknown_transaction_id"
    buffer.delete(LOCK_KEY)  # expired
    assert postback(network, world, click_id).status_code == 200


def test_it_survives_counters_lost_while_it_waits(monkeypatch, network, world, buffer):
    """Interleaving 8: Redis lost the counters (restart, eviction) after the postback read its
    target; the drainer then finishes its batch: the postback reads again and finds it."""
    click_id = new_click(network, world)
    drainer = Drainer(buffer, "taken")
    hook_drainer(monkeypatch, drainer)
    drainer.start()
    drainer.wait_paused()

    class LoseCountersThenWait(Postback):
        def sleep(self, seconds):
            if not self.released:
                buffer.delete(MOVED_KEY, WRITTEN_KEY)
            super().sleep(seconds)

    watcher = LoseCountersThenWait(drainer, None)
    monkeypatch.setattr(drain, "time", watcher)
    response = postback(network, world, click_id)
    drainer.finish()
    assert response.status_code == 200, response.content
    assert watcher.released
    assert int(buffer.get(WRITTEN_KEY)) == int(buffer.get(MOVED_KEY)) == 1


def test_it_drains_no_more_than_its_share_of_a_backlog(
    monkeypatch, settings, network, world, buffer
):
    """A postback behind a backlog and no drainer writes at most SELF_DRAIN_LIMIT clicks
    itself, then asks for a retry; the drainer's job is left to the drainer."""
    settings.CLICK_DRAIN_BATCH = 200
    monkeypatch.setattr(drain, "SELF_DRAIN_LIMIT", 500)
    monkeypatch.setattr(drain, "WAIT_SECONDS", 0.2)
    template_id = new_click(network, world)
    line = buffer.lpop(BUFFER_KEY)
    pipe = buffer.pipeline()
    for n in range(2000):
        pipe.rpush(BUFFER_KEY, line.replace(template_id.encode(), f"{n:032x}".encode()))
    pipe.execute()
    click_id = new_click(network, world)  # the 2001st
    response = postback(network, world, click_id)
    assert response.status_code == 503
    assert buffer.llen(BUFFER_KEY) >= 2001 - 500


def test_it_asks_for_a_retry_when_redis_is_unreachable(
    monkeypatch, settings, network, world, buffer
):
    """Interleaving 9: the buffer cannot be asked; no 500, no wait, a "retry" answer."""
    click_id = new_click(network, world)  # buffered in the real Redis
    monkeypatch.setattr(buffer_module, "_pool", None)  # the process's pool, made anew
    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        settings.REDIS_URL = f"redis://127.0.0.1:{probe.getsockname()[1]}/0"
    response = postback(network, world, click_id)
    assert (response.status_code, response["Retry-After"]) == (503, "60")
    assert b"unknown_transaction_id" in response.content


def test_it_refuses_for_good_an_unknown_id_older_than_a_day(network, world, buffer):
    old = f"{(int(time.time()) - 2 * 86400) * 1000:012x}" + "0" * 20
    response = postback(network, world, old)
    assert response.status_code == 404
    assert not response.has_header("Retry-After")
