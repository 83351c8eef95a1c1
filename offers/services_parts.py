"""The parts of an offer that its advertiser writes: goals (what they pay), landing pages and
creatives. The offer page's forms and the advertiser API's bodies are judged before these run.

Each locks the offer's row and refuses once the offer is archived (an archive move made
meanwhile waits, or wins), saves the part under its offer and network, moves the offer's
"updated" time and writes the audit row, in one transaction. An edit saves only what the
advertiser may change: an admin's payout set meanwhile on the goal stays.
"""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.db.models import Model
from django.utils import translation
from django.utils.translation import gettext as _

from network import audit
from network.models import User
from offers.models import Creative, Goal, LandingPage, Offer
from offers.services import OfferError, lock_writable, touch
from offers.terms import terms_label

# What the advertiser may change of each part (the rest is the network's, or fixed).
GOAL_TERMS = ["name", "revenue_type", "revenue_amount", "revenue_percent"]
LANDING_PAGE_FIELDS = ["name", "url_template", "weight", "is_active"]
CREATIVE_FIELDS = [
    *("name", "kind", "image", "width", "height"),
    *("text", "html", "landing_page", "is_active"),
]


def revenue_terms(goal: Goal) -> str:
    """What the advertiser pays for a goal, for the audit row: in English whatever the page's
    language, like every audit state."""
    with translation.override("en"):
        return terms_label(
            goal.revenue_type, goal.revenue_amount, goal.revenue_percent, goal.offer.currency
        )[:64]


def _save_new(offer: Offer, part: Model) -> Offer:
    """Saves `part` under the offer (locked, not archived) and its network; the offer."""
    locked = lock_writable(offer)
    part.network, part.offer = locked.network, locked
    _save(part)
    touch(locked)
    return locked


def _save_edit(part: Model, fields: list[str]) -> tuple[Offer, Model]:
    """Saves the edited `part`'s `fields`; the offer (locked) and the part as it was."""
    locked = lock_writable(part.offer)
    before = type(part).objects.select_for_update().get(pk=part.pk)
    _save(part, fields)
    touch(locked)
    return locked, before


def _save(part: Model, fields: list[str] | None = None) -> None:
    """A goal named as another one made meanwhile is refused with the goal form's words."""
    try:
        with transaction.atomic():
            part.save(update_fields=fields)
    except IntegrityError:
        if not isinstance(part, Goal):
            raise
        raise OfferError(_("This offer already has a goal with this name.")) from None


@transaction.atomic
def goal_create(*, offer: Offer, goal: Goal, actor: User) -> Goal:
    """Add a goal (never the default: an offer has one, made with it) to the offer."""
    goal.is_default, goal.payout_set = False, False
    locked = _save_new(offer, goal)
    audit.record(
        network=locked.network,
        actor=actor,
        action="goal.created",
        obj=goal,
        to_state=revenue_terms(goal),
    )
    return goal


@transaction.atomic
def goal_update(*, goal: Goal, actor: User) -> Goal:
    """Save a goal's name and what the advertiser pays; a change of what they pay is money
    terms the admins price payouts against: it is audited (`goal.revenue`)."""
    locked, before = _save_edit(goal, GOAL_TERMS)
    if revenue_terms(goal) != revenue_terms(before):
        audit.record(
            network=locked.network,
            actor=actor,
            action="goal.revenue",
            obj=goal,
            from_state=revenue_terms(before),
            to_state=revenue_terms(goal),
        )
    return goal


# Landing pages and creatives are audited on their offer: its history is where the pages show
# what changed about it ("Landing page added: Home").


@transaction.atomic
def landing_page_create(*, offer: Offer, landing_page: LandingPage, actor: User) -> LandingPage:
    locked = _save_new(offer, landing_page)
    _audit_part(locked, actor, "landing_page.created", landing_page)
    return landing_page


@transaction.atomic
def landing_page_update(*, landing_page: LandingPage, actor: User) -> LandingPage:
    locked, before = _save_edit(landing_page, LANDING_PAGE_FIELDS)
    if _changed(before, landing_page, LANDING_PAGE_FIELDS):
        _audit_part(locked, actor, "landing_page.updated", landing_page)
    return landing_page


@transaction.atomic
def creative_create(*, offer: Offer, creative: Creative, actor: User) -> Creative:
    locked = _save_new(offer, creative)
    _audit_part(locked, actor, "creative.created", creative)
    return creative


@transaction.atomic
def creative_update(*, creative: Creative, actor: User) -> Creative:
    locked, before = _save_edit(creative, CREATIVE_FIELDS)
    if _changed(before, creative, CREATIVE_FIELDS):
        _audit_part(locked, actor, "creative.updated", creative)
    return creative


def _changed(before: Model, after: Model, fields: list[str]) -> bool:
    return any(getattr(before, name) != getattr(after, name) for name in fields)


def _audit_part(offer: Offer, actor: User, action: str, part: Model) -> None:
    audit.record(
        network=offer.network, actor=actor, action=action, obj=offer, to_state=str(part)[:64]
    )
