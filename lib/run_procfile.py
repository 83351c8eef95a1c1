"""`make run`'s process manager: honcho, with time for the Celery worker's warm shutdown.

On Ctrl-C honcho sends SIGTERM to every process of the Procfile and SIGKILLs whatever still
runs 5 s later. The worker on the filesystem broker (`make run` on a bare machine) notices
SIGTERM at its next poll of the broker (every 2 s), then stops its pool and exits: on a busy
machine that takes longer than 5 s, and the SIGKILL cuts short the task it ran. Here a
process has 20 s; one that needs more is stuck, and killed as before.

    .venv/bin/python -m lib.run_procfile start --procfile Procfile
"""

from __future__ import annotations

from honcho import manager
from honcho.command import main

manager.KILL_WAIT = 20

if __name__ == "__main__":
    main()
