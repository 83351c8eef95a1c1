"""Offer pages for the advertiser role, under /advertiser/offers/."""

from django.urls import path

from offers import views_advertiser as views

urlpatterns = [
    path("", views.offer_list, name="adv_offer_list"),
    path("new/", views.offer_new, name="adv_offer_new"),
    path("<int:offer_id>/", views.offer_detail, name="adv_offer_detail"),
    path("<int:offer_id>/edit/", views.offer_edit, name="adv_offer_edit"),
    path("<int:offer_id>/status/", views.offer_status, name="adv_offer_status"),
    path("<int:offer_id>/goals/new/", views.goal_new, name="adv_goal_new"),
    path("<int:offer_id>/goals/<int:goal_id>/edit/", views.goal_edit, name="adv_goal_edit"),
    path(
        "<int:offer_id>/landing-pages/new/",
        views.landing_page_new,
        name="adv_landing_page_new",
    ),
    path(
        "<int:offer_id>/landing-pages/<int:landing_page_id>/edit/",
        views.landing_page_edit,
        name="adv_landing_page_edit",
    ),
    path("<int:offer_id>/creatives/new/", views.creative_new, name="adv_creative_new"),
    path(
        "<int:offer_id>/creatives/<int:creative_id>/edit/",
        views.creative_edit,
        name="adv_creative_edit",
    ),
    path("<int:offer_id>/caps/new/", views.cap_new, name="adv_cap_new"),
    path("<int:offer_id>/caps/<int:cap_id>/delete/", views.cap_delete, name="adv_cap_delete"),
]
