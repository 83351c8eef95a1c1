"""The advertiser's API, /api/v1/advertiser/: their company's offers (with goals, landing
pages and creatives: advertisers/api_offers.py). The conversions of those offers (bulk
decisions, order validation by CSV) and their invoices register from payouts/api_advertiser.py.

It mirrors the advertiser's pages: the same forms judge what is sent
(advertisers/api_serializers.py), the same services make the changes and write the audit
entries (offers.services), and an archived offer is never changed. Ids of another company's
rows answer 404 (in a URL) or 400 "does not exist" (in a body), whether they are of this
network or another.
"""

from __future__ import annotations

from advertisers.api_offers import CreativeViewSet, GoalViewSet, LandingPageViewSet, OfferViewSet
from network import api_router
from reports.api import AdvertiserStats

api_router.register("advertiser", "offers", OfferViewSet, basename="advertiser-offers")
api_router.register("advertiser", "goals", GoalViewSet, basename="advertiser-goals")
api_router.register(
    "advertiser", "landing-pages", LandingPageViewSet, basename="advertiser-landing-pages"
)
api_router.register("advertiser", "creatives", CreativeViewSet, basename="advertiser-creatives")
api_router.register("advertiser", "stats", AdvertiserStats, basename="advertiser-stats")
