"""The network admins' API, /api/v1/admin/: the network's own endpoints, registered here on the
admin router (network.api_router): members and invitations (network/api_admin_members.py) and
the network's settings (network/api_admin_settings.py). Each app registers its own admin
endpoints from its api_admin.py (audit/api_admin.py, publishers/api_admin.py,
advertisers/api_admin.py, reports/api_admin.py ...).

It mirrors the admin pages under /manage/: owners and managers alike (no admin page of the
portal is for owners only), the same forms judge what is sent, the same services make the
changes and write the audit entries. Ids of another network answer 404.
"""

from __future__ import annotations

from network import api_admin_members, api_admin_settings, api_router

api_router.register("admin", "members", api_admin_members.MemberViewSet, basename="admin-members")
api_router.register(
    "admin", "invitations", api_admin_members.InvitationViewSet, basename="admin-invitations"
)
# The network's settings, one object at settings/ (an empty prefix: its routes are its actions).
api_router.register(
    "admin", "", api_admin_settings.NetworkSettingsViewSet, basename="admin-settings"
)
