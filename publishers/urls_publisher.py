"""The publisher's own pages: applying (/apply/) and their profile (/publisher/profile/)."""

from django.urls import path

from publishers import views

urlpatterns = [
    path("apply/", views.apply, name="apply"),
    path("publisher/profile/", views.edit_profile, name="publisher_profile"),
]
