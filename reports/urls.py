"""The dashboards (each role's home) and the report pages of a network's host."""

from django.urls import path

from reports import views, views_advertiser, views_dashboard, views_publisher

urlpatterns = [
    path("manage/", views_dashboard.admin_home, name="admin_home"),
    path(
        "manage/latest-conversions/",
        views_dashboard.admin_latest_conversions,
        name="admin_latest_conversions",
    ),
    path("advertiser/", views_advertiser.advertiser_home, name="advertiser_home"),
    path("publisher/", views_publisher.publisher_home, name="publisher_home"),
    path("manage/reports/", views.admin_reports, name="admin_reports"),
    path("advertiser/reports/", views.advertiser_reports, name="advertiser_reports"),
    path("publisher/reports/", views.publisher_reports, name="publisher_reports"),
]
