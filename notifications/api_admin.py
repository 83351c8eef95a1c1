"""/api/v1/admin/notifications/ (notifications/api.py)."""

from network.api_base import ADMINS
from notifications.api import register

register("admin", ADMINS)
