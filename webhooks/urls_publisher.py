"""The publisher's postback pages, under /publisher/postbacks/."""

from django.urls import path

from webhooks import views_publisher as views

urlpatterns = [
    path("", views.postback_home, name="postback_home"),
    path("global/", views.postback_global, name="postback_global"),
    path("offers/new/", views.postback_offer_add, name="postback_offer_add"),
    path("<int:postback_endpoint_id>/", views.postback_edit, name="postback_edit"),
    path("<int:postback_endpoint_id>/enable/", views.postback_enable, name="postback_enable"),
    path("<int:postback_endpoint_id>/disable/", views.postback_disable, name="postback_disable"),
    path("<int:postback_endpoint_id>/test/", views.postback_test, name="postback_test"),
    path("<int:postback_endpoint_id>/delete/", views.postback_delete_view, name="postback_delete"),
]
