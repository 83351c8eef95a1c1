"""The publisher's stats, /api/v1/publisher/stats/: their report page as JSON
(reports/api_stats.py)."""

from __future__ import annotations

from network import api_router
from network.models import Role
from reports.api_stats import StatsViewSet


class PublisherStats(StatsViewSet):
    roles = {"list": (Role.PUBLISHER,)}


api_router.register("publisher", "stats", PublisherStats, basename="publisher-stats")
