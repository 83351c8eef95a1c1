"""The publisher's API, /api/v1/publisher/: the marketplace (offers, applying, tracking links),
postbacks and their call log, and the stats of the report page (reports/api.py). Offers and
links: publishers/api_offers.py; postbacks: publishers/api_postbacks.py. Their conversions
register from tracking/api_publisher.py, their statements (payout lines) from
payouts/api_publisher.py.

It mirrors the publisher's pages: what they may see is `Offer.objects.visible_to(publisher)`,
what they may link to `.runnable_by(publisher)`; the same forms judge what is sent
(publishers/api_serializers.py) and the same services make the changes and write the audit
entries (offers.services.access_request, publishers.postback_services). A publisher whose
account is not approved yet gets 403 where the pages show "not approved" instead. Ids of
another company's rows answer 404 (in a URL) or 400 "does not exist" (in a body).
"""

from __future__ import annotations

from network import api_router
from publishers.api_offers import OfferViewSet, TrackingLinkViewSet
from publishers.api_postbacks import PostbackLogViewSet, PostbackViewSet
from reports.api import PublisherStats

api_router.register("publisher", "offers", OfferViewSet, basename="publisher-offers")
api_router.register(
    "publisher", "tracking-links", TrackingLinkViewSet, basename="publisher-tracking-links"
)
api_router.register("publisher", "postbacks", PostbackViewSet, basename="publisher-postbacks")
api_router.register(
    "publisher", "postback-log", PostbackLogViewSet, basename="publisher-postback-log"
)
api_router.register("publisher", "stats", PublisherStats, basename="publisher-stats")
