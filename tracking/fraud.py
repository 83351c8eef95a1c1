"""Fraud checks of a new conversion: each check returns a reason code, none decides the status.

The flags are stored on the conversion (`fraud_flags`, the first one as `reason_code`) for
the reviewers and the validation step. Every check is computed from the conversion's and its
click's own timestamps, so re-running it (a redelivered task) gives the same flags.

The IP checks (velocity, country) apply to pixel conversions only: a pixel is loaded by the
customer's browser, but a server postback comes from the advertiser's server, whose address
says nothing about the customer (every postback of a busy advertiser shares it).
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from audit import audit_row
from lib import geoip, useragent
from tracking.models import Conversion

FAST_CONVERSION = "fast_conversion"
IP_VELOCITY = "ip_velocity"
BOT_USER_AGENT = "bot_user_agent"
COUNTRY_MISMATCH = "country_mismatch"
FRAUD_CODES = (FAST_CONVERSION, IP_VELOCITY, BOT_USER_AGENT, COUNTRY_MISMATCH)

IP_VELOCITY_WINDOW = timedelta(hours=24)


def fraud_flags(conversion: Conversion) -> list[str]:
    """The reason codes that apply to this conversion, in FRAUD_CODES order."""
    click = conversion.click
    customer_ip = conversion.ip if conversion.method == Conversion.Method.PIXEL else None
    flags = []
    if conversion.method != Conversion.Method.CLICK and (  # a CPC conversion is its click
        conversion.created_at - click.created_at < timedelta(seconds=settings.FRAUD_MIN_SECONDS)
    ):
        flags.append(FAST_CONVERSION)
    if customer_ip and _conversions_from_ip(conversion) > settings.FRAUD_MAX_CONVERSIONS_PER_IP:
        flags.append(IP_VELOCITY)
    if useragent.parse(click.user_agent).is_bot:
        flags.append(BOT_USER_AGENT)
    country = geoip.country_of(customer_ip, {}) if customer_ip else ""
    if country and click.country and country != click.country.upper():
        flags.append(COUNTRY_MISMATCH)
    return flags


def _conversions_from_ip(conversion: Conversion) -> int:
    """Pixel conversions from this one's IP in this network in the 24 h up to it, included."""
    return Conversion.objects.filter(
        network_id=conversion.network_id,
        ip=conversion.ip,
        method=Conversion.Method.PIXEL,
        created_at__gt=conversion.created_at - IP_VELOCITY_WINDOW,
        created_at__lte=conversion.created_at,
    ).count()


@transaction.atomic
def check_conversion(conversion: Conversion) -> list[str]:
    """Store the conversion's fraud flags; audit them when found (once for the same result)."""
    # Lock the row so that two deliveries of the task cannot both write the audit entry.
    locked = Conversion.objects.select_for_update().select_related("click").get(pk=conversion.pk)
    flags = fraud_flags(locked)
    changed = locked.fraud_checked_at is None or locked.fraud_flags != flags

    locked.fraud_flags = flags
    # reason_code is shared with the other validation steps: a non-fraud reason (set by the
    # step that rejected the conversion) is kept; ours is replaced on every check.
    if not locked.reason_code or locked.reason_code in FRAUD_CODES:
        locked.reason_code = flags[0] if flags else ""
    locked.fraud_checked_at = timezone.now()
    locked.save(update_fields=["fraud_flags", "reason_code", "fraud_checked_at"])
    if flags and changed:
        reason = ", ".join(flags)
        audit_row(
            locked, None, action="conversion.fraud_checked", actor_label="system", reason=reason
        )

    conversion.fraud_flags = locked.fraud_flags
    conversion.reason_code = locked.reason_code
    conversion.fraud_checked_at = locked.fraud_checked_at
    return flags
