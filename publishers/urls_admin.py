"""Publisher pages for owners and managers, under /manage/publishers/."""

from django.urls import path

from publishers import views

urlpatterns = [
    path("", views.publisher_list, name="publisher_list"),
    path("<int:publisher_id>/", views.publisher_review, name="publisher_review"),
]
