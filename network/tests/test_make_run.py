"""`make run`'s processes (the Procfile, under honcho) stop cleanly on one Ctrl-C: every
process exits, none is killed for taking too long, and none logs an error or a traceback.
They run here as `make run` runs them (DEBUG, SQLite and the filesystem broker under a
throwaway VAR_DIR), on a free port."""

from __future__ import annotations

import os
import queue
import re
import signal
import socket
import subprocess
import sys
import threading
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
BIN = ROOT / ".venv" / "bin"
PROCESSES = ("web", "worker", "beat", "drainer", "sweeper")
# What each process prints once it is up (its signal handlers are set by then).
READY = {
    "web": "Quit the server with CONTROL-C.",
    "worker": " ready.",
    "beat": "beat: Starting...",
    "drainer": "nothing to drain.",
    "sweeper": "Sweeping new conversions.",
}
# Generous bounds for a loaded machine: reached only when something is broken.
START_SECONDS = 180
STOP_SECONDS = 60
TROUBLE = re.compile(r"\bERROR\b|\bCRITICAL\b|Traceback|SIGKILL")

pytestmark = pytest.mark.skipif(
    not (BIN / "honcho").exists(), reason="honcho is not installed in .venv"
)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def development_env(var_dir: Path, port: int) -> dict[str, str]:
    """`make run`'s environment on a bare machine (what the Makefile exports; no
    DATABASE_URL, broker or Redis)."""
    return {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": os.environ.get("HOME", "/root"),
        "LANG": "C.UTF-8",
        "DEBUG": "1",
        "PYTHONUNBUFFERED": "1",
        "PORT": str(port),
        "PLATFORM_PORT": str(port),
        "VAR_DIR": str(var_dir),
    }


def read_lines(stream, lines: queue.Queue) -> None:
    for line in iter(stream.readline, ""):
        lines.put(line)
    lines.put(None)


def test_ctrl_c_stops_every_process_cleanly(tmp_path):
    env = development_env(tmp_path / "var", free_port())
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput"],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        timeout=START_SECONDS,
    )
    command = [str(BIN / "python"), "-m", "lib.run_procfile", "start", "--procfile", "Procfile"]
    honcho = subprocess.Popen(  # the Makefile's command, its output without colours
        [*command, "--no-colour"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,  # a group of its own: the cleanup below can end all of it
    )
    lines: queue.Queue = queue.Queue()
    threading.Thread(target=read_lines, args=(honcho.stdout, lines), daemon=True).start()
    output: list[str] = []
    try:
        waiting = set(PROCESSES)
        while waiting:
            line = lines.get(timeout=START_SECONDS)
            assert line is not None, "honcho exited before every process was up:\n" + "".join(
                output
            )
            output.append(line)
            name = line.split("|", 1)[0].split()[-1].split(".")[0] if "|" in line else ""
            if name in waiting and READY[name] in line:
                waiting.discard(name)

        honcho.send_signal(signal.SIGINT)  # what Ctrl-C in make's terminal sends honcho
        while (line := lines.get(timeout=STOP_SECONDS)) is not None:
            output.append(line)
        assert honcho.wait(timeout=STOP_SECONDS) == 130  # honcho's answer to SIGINT
    finally:
        if honcho.poll() is None:
            os.killpg(honcho.pid, signal.SIGKILL)
            honcho.wait()

    log = "".join(output)
    assert [line for line in output if TROUBLE.search(line)] == [], log
    stopped = {m.group(1) for m in re.finditer(r"system\s*\| (\w+)\.1 stopped", log)}
    assert stopped == set(PROCESSES), log
