"""Helpers for the offers API tests beyond network.tests.api's: a publisher to name."""

from __future__ import annotations

from django_scopes import scopes_disabled

from publishers.models import Publisher


def approved_publisher(network, name: str = "Second Media") -> Publisher:
    with scopes_disabled():
        return Publisher.objects.create(
            network=network,
            name=name,
            website="https://second.example",
            country="US",
            status=Publisher.Status.APPROVED,
        )
