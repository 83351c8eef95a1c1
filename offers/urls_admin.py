"""Offer pages for owners and managers, mounted under /manage/ (the payout pages under the
same prefix, a goal's payout, overrides and tiers, are commissions': network.urls)."""

from django.urls import path

from offers import views_admin as views

urlpatterns = [
    path("offers/", views.admin_offer_list, name="admin_offer_list"),
    path("offers/<int:offer_id>/", views.admin_offer_detail, name="admin_offer_detail"),
    path(
        "offers/<int:offer_id>/status/",
        views.admin_offer_transition,
        name="admin_offer_transition",
    ),
    path("offers/<int:offer_id>/invite/", views.admin_offer_invite, name="admin_offer_invite"),
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
]
