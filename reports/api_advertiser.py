"""The advertiser's stats, /api/v1/advertiser/stats/: their report page as JSON
(reports/api_stats.py)."""

from __future__ import annotations

from network import api_router
from network.models import Role
from reports.api_stats import StatsViewSet


class AdvertiserStats(StatsViewSet):
    roles = {"list": (Role.ADVERTISER,)}


api_router.register("advertiser", "stats", AdvertiserStats, basename="advertiser-stats")
