from django.urls import path

from tracking import views_portal as views

# The admins' and advertisers' conversions pages decide too: decisions/urls.py.
urlpatterns = [
    path("advertiser/integration/", views.advertiser_integration, name="advertiser_integration"),
    path("publisher/conversions/", views.publisher_conversions, name="publisher_conversions"),
]
