"""/api/v1/publisher/notifications/ (notifications/api.py)."""

from network.models import Role
from notifications.api import register

register("publisher", (Role.PUBLISHER,))
