"""The demo's decisions for `seed_demo`: after tracking's sixty days of traffic
(tracking/demo_activity.py), the approvals, rejections and refunds it planned, each posted to
the ledger at its time as the demo's money is (payouts/demo.py)."""

from __future__ import annotations

from network.demo import Demo
from payouts.demo import approve, reject, reverse
from tracking.demo_activity import DECISIONS, Decision


def decide_activity(demo: Demo) -> None:
    """seed_demo's step after tracking's traffic: the decisions it planned (none when the
    traffic was there already), each posted to the ledger at its time."""
    decision: Decision
    for decision in demo.plan.get(DECISIONS, []):
        conversion, at = decision.conversion, decision.decided_at
        if not decision.approved:
            reject(demo.network, conversion, at, decision.reason)
            continue
        approve(demo.network, conversion, at)
        if decision.reversed_at is not None:
            reverse(demo.network, conversion, decision.reversed_at, "refund")
