"""Offer pages for the publisher role, under /publisher/offers/."""

from django.urls import path

from offers import views_publisher as views

urlpatterns = [
    path("", views.pub_offer_list, name="pub_offer_list"),
    path("<int:offer_id>/", views.pub_offer_detail, name="pub_offer_detail"),
    path("<int:offer_id>/apply/", views.pub_offer_apply, name="pub_offer_apply"),
    path("<int:offer_id>/link/", views.pub_offer_link, name="pub_offer_link"),
]
