"""The demo's rollups, for `seed_demo` (network/demo.py): the dashboards read them, so they
are made now rather than at beat's first run."""

from __future__ import annotations

from network.demo import Demo
from reports.rollup import rollup_network


def seed(demo: Demo) -> None:
    rollup_network(demo.network)
