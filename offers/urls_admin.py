"""Offer pages for owners and managers, mounted under /manage/."""

from django.urls import path

from offers import views_admin as views
from offers import views_tiers

urlpatterns = [
    path("offers/", views.admin_offer_list, name="admin_offer_list"),
    path("offers/<int:offer_id>/", views.admin_offer_detail, name="admin_offer_detail"),
    path(
        "offers/<int:offer_id>/status/",
        views.admin_offer_transition,
        name="admin_offer_transition",
    ),
    path(
        "offers/<int:offer_id>/goals/<int:goal_id>/payout/",
        views.admin_goal_payout,
        name="admin_goal_payout",
    ),
    path("offers/<int:offer_id>/invite/", views.admin_offer_invite, name="admin_offer_invite"),
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
    path("offers/<int:offer_id>/caps/new/", views.admin_cap_new, name="admin_cap_new"),
    path(
        "offers/<int:offer_id>/caps/<int:cap_id>/delete/",
        views.admin_cap_delete,
        name="admin_cap_delete",
    ),
    path("offer-access/", views.admin_access_list, name="admin_access_list"),
    path(
        "offer-access/<int:offer_access_id>/",
        views.admin_access_decide,
        name="admin_access_decide",
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
