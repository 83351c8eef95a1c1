"""URLs of a network's host (<slug>.<PLATFORM_DOMAIN> or a custom domain)."""

from django.conf import settings
from django.conf.urls.static import static
from django.urls import include, path

from advertisers import views as advertisers
from network import views
from network import views_api_keys as api_keys
from network import views_audit as audit
from publishers import views as publishers
from reports import views_advertiser as advertiser_dashboard
from reports import views_dashboard as dashboard
from reports import views_publisher as publisher_dashboard

# Under /api/, a route that does not exist answers in the API's error format (JSON).
handler404 = "network.api_policy.not_found"

urlpatterns = [
    path("", views.home, name="home"),
    path("handoff/", views.handoff, name="handoff"),
    path("language/", views.set_language, name="set_language"),
    path("invitations/<str:key>/", views.invitation, name="invitation"),
    path("apply/", publishers.apply, name="apply"),
    # Owners and managers
    path("manage/", dashboard.admin_home, name="admin_home"),
    path(
        "manage/latest-conversions/",
        dashboard.admin_latest_conversions,
        name="admin_latest_conversions",
    ),
    path("manage/members/", views.members, name="members"),
    path("manage/settings/", views.network_settings, name="network_settings"),
    path("manage/settings/minimums/", views.payout_minimums, name="payout_minimums"),
    path("manage/invitations/new/", views.invite, name="invite"),
    path(
        "manage/invitations/<int:invitation_id>/revoke/",
        views.revoke_invitation,
        name="revoke_invitation",
    ),
    path("manage/publishers/", publishers.publisher_list, name="publisher_list"),
    path(
        "manage/publishers/<int:publisher_id>/",
        publishers.publisher_review,
        name="publisher_review",
    ),
    path("manage/advertisers/", advertisers.advertiser_list, name="advertiser_list"),
    path(
        "manage/advertisers/<int:advertiser_id>/status/",
        advertisers.advertiser_status,
        name="advertiser_status",
    ),
    path("manage/webhooks/", include("webhooks.urls")),
    path("manage/audit/", audit.admin_audit, name="admin_audit"),
    # Advertisers and publishers
    path("advertiser/", advertiser_dashboard.advertiser_home, name="advertiser_home"),
    path("publisher/", publisher_dashboard.publisher_home, name="publisher_home"),
    path("publisher/profile/", publishers.edit_profile, name="publisher_profile"),
    path("advertiser/audit/", audit.advertiser_audit, name="advertiser_audit"),
    path("publisher/audit/", audit.publisher_audit, name="publisher_audit"),
    path("manage/", include("offers.urls_admin")),
    path("advertiser/offers/", include("offers.urls_advertiser")),
    path("publisher/offers/", include("offers.urls_publisher")),
    path("publisher/postbacks/", include("publishers.urls_postbacks")),
    path("", include("tracking.urls_portal")),
    path("", include("payouts.urls")),
    path("", include("publishers.urls_payment_details")),
    path("", include("reports.urls")),
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
