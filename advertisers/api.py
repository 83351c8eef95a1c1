"""The advertiser's API, /api/v1/advertiser/: their company's offers (with goals, landing
pages and creatives: advertisers/api_offers.py), the conversions of those offers (bulk
decisions, order validation by CSV) and their invoices (advertisers/api_conversions.py).

It mirrors the advertiser's pages: the same forms judge what is sent
(advertisers/api_serializers.py), the same services make the changes and write the audit
entries (offers.services, tracking.validation -> payouts.decisions), and an archived offer is
never changed. Ids of another company's rows answer 404 (in a URL) or 400 "does not exist"
(in a body), whether they are of this network or another.
"""

from __future__ import annotations

from advertisers.api_conversions import ConversionViewSet, CreditNoteViewSet, InvoiceViewSet
from advertisers.api_offers import CreativeViewSet, GoalViewSet, LandingPageViewSet, OfferViewSet
from network import api_router

api_router.register("advertiser", "offers", OfferViewSet, basename="advertiser-offers")
api_router.register("advertiser", "goals", GoalViewSet, basename="advertiser-goals")
api_router.register(
    "advertiser", "landing-pages", LandingPageViewSet, basename="advertiser-landing-pages"
)
api_router.register("advertiser", "creatives", CreativeViewSet, basename="advertiser-creatives")
api_router.register(
    "advertiser", "conversions", ConversionViewSet, basename="advertiser-conversions"
)
api_router.register("advertiser", "invoices", InvoiceViewSet, basename="advertiser-invoices")
api_router.register(
    "advertiser", "credit-notes", CreditNoteViewSet, basename="advertiser-credit-notes"
)
