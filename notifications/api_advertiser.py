"""/api/v1/advertiser/notifications/ (notifications/api.py)."""

from network.models import Role
from notifications.api import register

register("advertiser", (Role.ADVERTISER,))
