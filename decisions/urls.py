"""The pages that decide conversions (included at the host's root: full paths here)."""

from django.urls import path

from decisions import views

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
]
