"""Advertiser company pages for owners and managers, under /manage/advertisers/."""

from django.urls import path

from advertisers import views

urlpatterns = [
    path("", views.advertiser_list, name="advertiser_list"),
    path(
        "<int:advertiser_id>/status/",
        views.advertiser_status,
        name="advertiser_status",
    ),
]
