"""The publisher's payment details page (included at the host's root: the full path here)."""

from django.urls import path

from publishers import views_payment_details as views

urlpatterns = [
    path(
        "publisher/payment-details/",
        views.publisher_payment_details,
        name="publisher_payment_details",
    ),
]
