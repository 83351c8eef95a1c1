"""The notification pages of every member (included by network.urls at the root)."""

from django.urls import path

from notifications import views

urlpatterns = [
    path("notifications/", views.notification_list, name="notification_list"),
    path("notifications/read-all/", views.notifications_read_all, name="notifications_read_all"),
    path(
        "notifications/<int:notification_id>/read/",
        views.notification_read,
        name="notification_read",
    ),
    path(
        "notifications/preferences/",
        views.notification_preferences,
        name="notification_preferences",
    ),
]
