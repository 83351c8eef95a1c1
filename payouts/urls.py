"""The money pages of a network's host: payout runs and invoices for admins, statements for
publishers, invoices for advertisers, and the conversions pages where advertisers and admins
decide."""

from django.urls import include, path

urlpatterns = [
    path("manage/payouts/", include("payouts.urls_runs")),
    path("", include("payouts.urls_invoices")),
    path("", include("payouts.urls_conversions")),
    path("publisher/", include("payouts.urls_publisher")),
]
