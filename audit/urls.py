"""The audit log's pages, one per role (included by network.urls at the root)."""

from django.urls import path

from audit import views

urlpatterns = [
    path("manage/audit/", views.admin_audit, name="admin_audit"),
    path("advertiser/audit/", views.advertiser_audit, name="advertiser_audit"),
    path("publisher/audit/", views.publisher_audit, name="publisher_audit"),
]
