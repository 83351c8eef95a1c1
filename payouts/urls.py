"""The money pages of a network's host: payout runs for admins, statements for publishers
(invoices: invoices/urls.py; the conversions pages where advertisers and admins decide:
decisions/urls.py)."""

from django.urls import include, path

urlpatterns = [
    path("manage/payouts/", include("payouts.urls_runs")),
    path("publisher/", include("payouts.urls_publisher")),
]
