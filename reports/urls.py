from django.urls import path

from reports import views

urlpatterns = [
    path("manage/reports/", views.admin_reports, name="admin_reports"),
    path("advertiser/reports/", views.advertiser_reports, name="advertiser_reports"),
    path("publisher/reports/", views.publisher_reports, name="publisher_reports"),
]
