"""Payout pages for owners and managers, mounted under /manage/ (by offers.urls_admin)."""

from django.urls import path

from commissions import views_admin as views
from commissions import views_tiers

urlpatterns = [
    path(
        "offers/<int:offer_id>/goals/<int:goal_id>/payout/",
        views.admin_goal_payout,
        name="admin_goal_payout",
    ),
    path(
        "offers/<int:offer_id>/overrides/new/",
        views.admin_override_new,
        name="admin_override_new",
    ),
    path(
        "offers/<int:offer_id>/overrides/<int:payout_override_id>/delete/",
        views.admin_override_delete,
        name="admin_override_delete",
    ),
    path("tiers/", views_tiers.admin_tier_list, name="admin_tier_list"),
    path("tiers/<int:payout_tier_id>/", views_tiers.admin_tier_detail, name="admin_tier_detail"),
    path(
        "tiers/<int:payout_tier_id>/members/",
        views_tiers.admin_tier_member_add,
        name="admin_tier_member_add",
    ),
    path(
        "tiers/<int:payout_tier_id>/members/<int:publisher_id>/remove/",
        views_tiers.admin_tier_member_remove,
        name="admin_tier_member_remove",
    ),
    path(
        "tiers/<int:payout_tier_id>/payouts/",
        views_tiers.admin_tier_payout_set,
        name="admin_tier_payout_set",
    ),
    path(
        "tiers/<int:payout_tier_id>/payouts/<int:goal_id>/remove/",
        views_tiers.admin_tier_payout_remove,
        name="admin_tier_payout_remove",
    ),
]
