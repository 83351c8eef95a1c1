"""Run the hold-period approval now, in every active network (the beat job runs it every 15
minutes): pending, checked, unflagged conversions past their offer's hold period."""

from __future__ import annotations

from django.core.management.base import BaseCommand
from django_scopes import scope, scopes_disabled

from decisions.services import approve_held_conversions
from network.models import Network


class Command(BaseCommand):
    help = "Approve held conversions whose hold period has passed, in every active network."

    def handle(self, *args, **options):
        with scopes_disabled():
            networks = list(Network.objects.filter(status=Network.Status.ACTIVE))
        for network in networks:
            with scope(network=network):
                approved = approve_held_conversions(network)
            self.stdout.write(f"{network.slug}: {approved} approved")
