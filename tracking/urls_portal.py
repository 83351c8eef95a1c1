from django.urls import path

from tracking import views_portal as views

urlpatterns = [
    path("manage/conversions/", views.admin_conversions, name="admin_conversions"),
    path("advertiser/conversions/", views.advertiser_conversions, name="advertiser_conversions"),
    path(
        "advertiser/conversions/validate/",
        views.advertiser_validation_upload,
        name="advertiser_validation_upload",
    ),
    path(
        "advertiser/conversions/validate/preview/",
        views.advertiser_validation_preview,
        name="advertiser_validation_preview",
    ),
    path(
        "advertiser/conversions/validate/apply/",
        views.advertiser_validation_apply,
        name="advertiser_validation_apply",
    ),
    path("advertiser/integration/", views.advertiser_integration, name="advertiser_integration"),
    path("publisher/conversions/", views.publisher_conversions, name="publisher_conversions"),
]
