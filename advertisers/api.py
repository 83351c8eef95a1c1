"""The advertiser's API, /api/v1/advertiser/: the conversions of their company's offers (bulk
decisions, order validation by CSV) and their invoices (advertisers/api_conversions.py). Their
offers, with goals, landing pages and creatives, register themselves (offers/api_advertiser.py).

It mirrors the advertiser's pages: the same forms judge what is sent
(advertisers/api_serializers.py), the same services make the changes and write the audit
entries (tracking.validation -> payouts.decisions). Ids of another company's rows answer 404
(in a URL) or 400 "does not exist" (in a body), whether they are of this network or another.
"""

from __future__ import annotations

from advertisers.api_conversions import ConversionViewSet, CreditNoteViewSet, InvoiceViewSet
from network import api_router

api_router.register(
    "advertiser", "conversions", ConversionViewSet, basename="advertiser-conversions"
)
api_router.register("advertiser", "invoices", InvoiceViewSet, basename="advertiser-invoices")
api_router.register(
    "advertiser", "credit-notes", CreditNoteViewSet, basename="advertiser-credit-notes"
)
