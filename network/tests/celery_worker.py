"""A real `celery worker` subprocess for tests (the `celery_worker_process` fixture, made
available to every test by the root conftest), and why it is skipped where it cannot run."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit
from uuid import uuid4

import pytest
from django.conf import settings

from network.celery import app as celery_app

WORKER_READY_TIMEOUT = 60  # seconds: Django set-up and broker connection
TASK_TIMEOUT = 30  # seconds: from commit to Invitation.sent_at in the database


def worker_skip_reason() -> str | None:
    broker = settings.CELERY_BROKER_URL
    engine = settings.DATABASES["default"]["ENGINE"]
    problems = []
    if not broker.startswith(("redis://", "amqp://")):
        scheme = broker.partition("://")[0]  # not the whole URL: it may hold a password
        problems.append(f"CELERY_BROKER_URL is {scheme}://..., not redis:// or amqp://")
    if "postgresql" not in engine:
        problems.append(f"the database engine is {engine}, not PostgreSQL")
    if not problems:
        return None
    return (
        "a real worker needs a broker and a database shared between processes: "
        + "; ".join(problems)
        + " (set CELERY_BROKER_URL=redis://... and DATABASE_URL=postgres://...)"
    )


def _test_database_url() -> str:
    """DATABASE_URL as given, but naming the test database pytest-django created."""
    parts = urlsplit(os.environ["DATABASE_URL"])
    return urlunsplit(parts._replace(path="/" + settings.DATABASES["default"]["NAME"]))


def read_log(log: Path) -> str:
    return log.read_text(errors="replace") if log.exists() else ""


@pytest.fixture
def celery_queue():
    """A queue of this test's own, where the test's tasks are sent (not run eagerly)."""
    queue = f"test-{uuid4().hex}"
    previous_queue = celery_app.conf.task_default_queue
    previous_eager = celery_app.conf.task_always_eager
    celery_app.conf.task_default_queue = queue
    celery_app.conf.task_always_eager = False
    try:
        yield queue
    finally:
        celery_app.conf.task_default_queue = previous_queue
        celery_app.conf.task_always_eager = previous_eager
        _delete_queue(queue)


@pytest.fixture
def celery_worker_process(tmp_path, celery_queue):
    """A `celery -A network worker` subprocess on the test's queue; yields (queue, log)."""
    log = tmp_path / "worker.log"
    with running_worker(celery_queue, log):
        yield celery_queue, log


@contextmanager
def running_worker(
    queue: str, log: Path, *args: str, **extra_env: str
) -> Iterator[subprocess.Popen]:
    """A worker process on `queue`, ready when this enters, stopped when it leaves. The fault
    tests kill it themselves (`kill_worker`) and start another on the same queue. `args` go
    to `celery worker` as they are (`--beat`, ...)."""
    env = {
        **os.environ,
        "DATABASE_URL": _test_database_url(),
        "DB_CONN_MAX_AGE": "0",
        "CELERY_BROKER_URL": settings.CELERY_BROKER_URL,
        "CELERY_TASK_DEFAULT_QUEUE": queue,
        "EMAIL_URL": "locmem:",
        "PYTHONUNBUFFERED": "1",
        **extra_env,
    }
    env.setdefault("SECRET_KEY", "celery-worker-test-key")
    celery = Path(sys.executable).parent / "celery"
    command = [
        str(celery),
        "-A",
        "network",
        "worker",
        "--loglevel=INFO",
        "--pool=solo",
        "-Q",
        queue,
        "--hostname",
        f"{queue}-{uuid4().hex[:6]}@%h",
        "--without-gossip",
        "--without-mingle",
        "--without-heartbeat",
        *args,
    ]
    with log.open("ab") as output:
        process = subprocess.Popen(
            command,
            cwd=settings.BASE_DIR,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group, killed as one below
        )
    try:
        wait_for_log(log, " ready.", process, WORKER_READY_TIMEOUT, "the worker to be ready")
        yield process
    finally:
        _stop(process)


def wait_for_log(log: Path, text: str, process: subprocess.Popen, timeout: float, what: str):
    deadline = time.monotonic() + timeout
    while text not in read_log(log):
        if process.poll() is not None:
            pytest.fail(f"the worker exited with {process.returncode}:\n{read_log(log)}")
        if time.monotonic() > deadline:
            pytest.fail(f"waited {timeout} s for {what}:\n{read_log(log)}")
        time.sleep(0.2)


def kill_worker(process: subprocess.Popen) -> None:
    """SIGKILL, as the OOM killer or a lost machine would: no clean-up, no ack."""
    os.killpg(process.pid, signal.SIGKILL)
    process.wait(timeout=10)


def _delete_queue(name: str) -> None:
    """Remove the queue and its bindings from the broker (Redis keeps them as keys)."""
    bound_queue = celery_app.amqp.queues.pop(name, None)
    if bound_queue is None:
        return
    try:
        with celery_app.connection_for_write() as connection:
            bound_queue = bound_queue(connection.default_channel)
            bound_queue.declare()  # so that this channel knows the bindings it deletes
            bound_queue.delete()
    except Exception as error:  # cleanup only: the test's result is already decided
        warnings.warn(f"could not delete the test queue {name}: {error!r}", stacklevel=1)


def _stop(process: subprocess.Popen) -> None:
    if process.poll() is not None:
        return
    try:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)
    except ProcessLookupError:
        pass
