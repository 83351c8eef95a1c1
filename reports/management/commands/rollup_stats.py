"""Roll up stats now, in every active network (the beat job does it every 5 minutes), or in
the networks named; without a time limit, so a first backfill finishes in one go."""

from __future__ import annotations

from django.core.management.base import BaseCommand
from django_scopes import scope, scopes_disabled

from network.models import Network
from reports.rollup import rollup_network


class Command(BaseCommand):
    help = "Recompute the hourly stats that may have changed, in every active network."

    def add_arguments(self, parser):
        parser.add_argument("slugs", nargs="*", help="only these networks (by address)")

    def handle(self, *args, slugs, **options):
        with scopes_disabled():
            networks = Network.objects.filter(status=Network.Status.ACTIVE)
            if slugs:
                networks = networks.filter(slug__in=slugs)
            networks = list(networks.order_by("pk"))
        for network in networks:
            with scope(network=network):
                hours = rollup_network(network)
            self.stdout.write(f"{network.slug}: {hours} hours recomputed")
