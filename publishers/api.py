"""The publisher's API, /api/v1/publisher/: their conversions and statements (payout lines).
Conversions and statements: publishers/api_money.py. The marketplace (offers, applying,
tracking links: offers/api_publisher.py), postbacks and their call log
(webhooks/api_publisher.py) and the stats of the report page (reports/api_publisher.py)
register themselves.

It mirrors the publisher's pages: what they may see is `Offer.objects.visible_to(publisher)`,
what they may link to `.runnable_by(publisher)`; the same forms judge what is sent
(publishers/api_serializers.py) and the same services make the changes and write the audit
entries (offers.services.access_request). A publisher whose
account is not approved yet gets 403 where the pages show "not approved" instead. Ids of
another company's rows answer 404 (in a URL) or 400 "does not exist" (in a body).
"""

from __future__ import annotations

from network import api_router
from publishers.api_money import ConversionViewSet, StatementViewSet

api_router.register("publisher", "conversions", ConversionViewSet, basename="publisher-conversions")
api_router.register("publisher", "statements", StatementViewSet, basename="publisher-statements")
