"""A real `celery worker` subprocess for tests (the `celery_worker_process` fixture, made
available to every test by the root conftest), and why it is skipped where it cannot run."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import warnings
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
def celery_worker_process(tmp_path):
    """A `celery -A network worker` subprocess on a queue of its own; yields (queue, log)."""
    queue = f"test-{uuid4().hex}"
    log = tmp_path / "worker.log"
    env = {
        **os.environ,
        "DATABASE_URL": _test_database_url(),
        "DB_CONN_MAX_AGE": "0",
        "CELERY_BROKER_URL": settings.CELERY_BROKER_URL,
        "CELERY_TASK_DEFAULT_QUEUE": queue,
        "EMAIL_URL": "locmem:",
        "PYTHONUNBUFFERED": "1",
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
        f"{queue}@%h",
        "--without-gossip",
        "--without-mingle",
        "--without-heartbeat",
    ]
    previous_queue = celery_app.conf.task_default_queue
    previous_eager = celery_app.conf.task_always_eager
    celery_app.conf.task_default_queue = queue
    celery_app.conf.task_always_eager = False
    with log.open("wb") as output:
        process = subprocess.Popen(
            command,
            cwd=settings.BASE_DIR,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group, killed as one below
        )
    try:
        deadline = time.monotonic() + WORKER_READY_TIMEOUT
        while " ready." not in read_log(log):
            if process.poll() is not None:
                pytest.fail(f"the worker exited with {process.returncode}:\n{read_log(log)}")
            if time.monotonic() > deadline:
                pytest.fail(
                    f"the worker was not ready in {WORKER_READY_TIMEOUT} s:\n{read_log(log)}"
                )
            time.sleep(0.2)
        yield queue, log
    finally:
        celery_app.conf.task_default_queue = previous_queue
        celery_app.conf.task_always_eager = previous_eager
        _stop(process)
        _delete_queue(queue)


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
