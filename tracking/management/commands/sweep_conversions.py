"""Run the conversion sweeper: fraud checks, publisher postbacks and webhooks of new
conversions (tracking.follow_ups). Several may run: SKIP LOCKED shares the batches."""

from __future__ import annotations

import signal

from django.conf import settings
from django.core.management.base import BaseCommand

from tracking import follow_ups


class Command(BaseCommand):
    help = "Follow up new conversions (fraud check, postbacks, webhooks) in batches."

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="Sweep what is there, then exit.")

    def handle(self, *args, once: bool = False, **options):
        if once:
            self.stdout.write(f"Swept {follow_ups.sweep()} conversions.")
            return
        stopping = []
        # SIGTERM (honcho, systemd, a deploy) ends the loop between batches; a batch cut
        # short by SIGKILL rolls back and is taken again by the next pass.
        signal.signal(signal.SIGTERM, lambda *_: stopping.append(True))
        self.stdout.write("Sweeping new conversions.")
        follow_ups.run_forever(
            idle_seconds=settings.SWEEP_IDLE_SECONDS, stop=lambda: bool(stopping)
        )
