"""What every advertiser viewset shares, whichever app's endpoint it is (offers, conversions,
invoices): the role that may call it."""

from __future__ import annotations

from network.models import Role

ADVERTISER = (Role.ADVERTISER,)
