"""The admins' stats, /api/v1/admin/stats/: the network's report page as JSON
(reports/api_stats.py)."""

from __future__ import annotations

from network import api_router
from network.api_base import ADMINS
from reports.api_stats import StatsViewSet


class AdminStats(StatsViewSet):
    roles = {"list": ADMINS}


api_router.register("admin", "stats", AdminStats, basename="admin-stats")
