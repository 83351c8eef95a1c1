"""Owners' and managers' webhook pages, under /manage/webhooks/."""

from django.urls import path

from webhooks import views_admin as views

urlpatterns = [
    path("", views.webhook_list, name="webhook_list"),
    path("new/", views.webhook_create, name="webhook_create"),
    path("deliveries/", views.webhook_deliveries, name="webhook_deliveries"),
    path(
        "deliveries/<int:webhook_delivery_id>/",
        views.webhook_delivery_detail,
        name="webhook_delivery_detail",
    ),
    path("<int:webhook_endpoint_id>/", views.webhook_edit, name="webhook_edit"),
    path(
        "<int:webhook_endpoint_id>/rotate-secret/",
        views.webhook_rotate_secret,
        name="webhook_rotate_secret",
    ),
    path("<int:webhook_endpoint_id>/test/", views.webhook_test, name="webhook_test"),
    path("<int:webhook_endpoint_id>/delete/", views.webhook_delete, name="webhook_delete"),
]
