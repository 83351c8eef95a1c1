"""The money pages of a network's host: payout runs for admins, statements for publishers,
and the conversions pages where advertisers and admins decide (invoices: invoices/urls.py)."""

from django.urls import include, path

urlpatterns = [
    path("manage/payouts/", include("payouts.urls_runs")),
    path("", include("payouts.urls_conversions")),
    path("publisher/", include("payouts.urls_publisher")),
]
