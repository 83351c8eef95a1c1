"""URLs of a network's host (<slug>.<PLATFORM_DOMAIN> or a custom domain): the tenancy core's
pages here, every app's pages from its own urls_<role> modules (named by string: the project's
URLconf imports no app)."""

from django.conf import settings
from django.conf.urls.static import static
from django.urls import include, path

from network import views
from network import views_api_keys as api_keys

# Under /api/, a route that does not exist answers in the API's error format (JSON).
handler404 = "network.api_policy.not_found"

urlpatterns = [
    path("", views.home, name="home"),
    path("handoff/", views.handoff, name="handoff"),
    path("language/", views.set_language, name="set_language"),
    path("invitations/<str:key>/", views.invitation, name="invitation"),
    # Owners and managers
    path("manage/members/", views.members, name="members"),
    path("manage/settings/", views.network_settings, name="network_settings"),
    path("manage/settings/minimums/", views.payout_minimums, name="payout_minimums"),
    path("manage/invitations/new/", views.invite, name="invite"),
    path(
        "manage/invitations/<int:invitation_id>/revoke/",
        views.revoke_invitation,
        name="revoke_invitation",
    ),
    path("manage/publishers/", include("publishers.urls_admin")),
    path("manage/advertisers/", include("advertisers.urls_admin")),
    path("manage/webhooks/", include("webhooks.urls_admin")),
    # The audit log: manage/audit/, advertiser/audit/, publisher/audit/.
    path("", include("audit.urls")),
    # Advertisers and publishers
    path("", include("publishers.urls_publisher")),
    path("manage/", include("offers.urls_admin")),
    path("manage/", include("commissions.urls_admin")),
    path("advertiser/offers/", include("offers.urls_advertiser")),
    path("publisher/offers/", include("offers.urls_publisher")),
    path("publisher/postbacks/", include("webhooks.urls_publisher")),
    path("", include("tracking.urls_portal")),
    path("", include("payouts.urls")),
    path("", include("decisions.urls")),
    path("", include("invoices.urls")),
    path("", include("publishers.urls_payment_details")),
    # The dashboards (each role's home) and the report pages.
    path("", include("reports.urls")),
    path("", include("notifications.urls")),
    path("account/api-keys/", api_keys.api_keys, name="api_keys"),
    path(
        "account/api-keys/<int:api_key_id>/revoke/",
        api_keys.api_key_revoke_view,
        name="api_key_revoke",
    ),
    path("accounts/", include("allauth.urls")),
    path("api/", include("network.api_urls")),
]

# Uploaded creatives in development; production serves MEDIA_ROOT from the web server.
urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
