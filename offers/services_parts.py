"""The parts of an offer that its advertiser writes: goals (what they pay), landing pages and
creatives. The offer page's forms and the advertiser API's bodies are judged before these run.

Each locks the offer's row and refuses once the offer is archived (an archive move made
meanwhile waits, or wins), saves the part under its offer and network, moves the offer's
"updated" time and writes the audit row, in one transaction. An edit saves only what the
advertiser may change: an admin's payout set meanwhile on the goal stays.
"""

from __future__ import annotations

from typing import TypeVar

from django.db import IntegrityError, transaction
from django.utils import translation
from django.utils.translation import gettext as _

from audit import audit_row
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


# A part of an offer: the functions below keep the type they are given.
Part = TypeVar("Part", Goal, LandingPage, Creative)


def revenue_terms(goal: Goal) -> str:
    """What the advertiser pays for a goal, for the audit row: in English whatever the page's
    language, like every audit state."""
    with translation.override("en"):
        return terms_label(
            goal.revenue_type, goal.revenue_amount, goal.revenue_percent, goal.offer.currency
        )[:64]


def _save_new(offer: Offer, part: Part) -> Offer:
    """Saves `part` under the offer (locked, not archived) and its network; the offer."""
    locked = lock_writable(offer)
    part.network, part.offer = locked.network, locked
    _save(part)
    touch(locked)
    return locked


def _save_edit(part: Part, fields: list[str]) -> tuple[Offer, Part, list[str]]:
    """Saves the edited `part`'s `fields` when one of them changed (the same form saved again
    writes nothing); the offer (locked), the part as it was, and the fields that changed."""
    locked = lock_writable(part.offer)
    before = type(part).objects.select_for_update().get(pk=part.pk)
    changed = [name for name in fields if getattr(before, name) != getattr(part, name)]
    if changed:
        _save(part, fields)
        touch(locked)
    return locked, before, changed


def _save(part: Part, fields: list[str] | None = None) -> None:
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
    audit_row(
        goal, actor, action="goal.created", network=locked.network, to_state=revenue_terms(goal)
    )
    return goal


@transaction.atomic
def goal_update(*, goal: Goal, actor: User) -> Goal:
    """Save a goal's name and what the advertiser pays, each change audited: its name
    (`goal.updated`), and what they pay (`goal.revenue`), the money terms the admins price
    payouts against."""
    locked, before, changed = _save_edit(goal, GOAL_TERMS)
    if "name" in changed:
        audit_row(
            goal,
            actor,
            action="goal.updated",
            network=locked.network,
            from_state=before.name[:64],
            to_state=goal.name[:64],
        )
    if revenue_terms(goal) != revenue_terms(before):
        audit_row(
            goal,
            actor,
            action="goal.revenue",
            network=locked.network,
            from_state=revenue_terms(before),
            to_state=revenue_terms(goal),
        )
    return goal


# Landing pages and creatives are audited on their offer: its history is where the pages show
# what changed about it ("Landing page added: Home").


@transaction.atomic
def landing_page_create(*, offer: Offer, landing_page: LandingPage, actor: User) -> LandingPage:
    return _create_on_offer(offer, landing_page, actor, "landing_page.created")


@transaction.atomic
def landing_page_update(*, landing_page: LandingPage, actor: User) -> LandingPage:
    return _update_on_offer(landing_page, LANDING_PAGE_FIELDS, actor, "landing_page.updated")


@transaction.atomic
def creative_create(*, offer: Offer, creative: Creative, actor: User) -> Creative:
    return _create_on_offer(offer, creative, actor, "creative.created")


@transaction.atomic
def creative_update(*, creative: Creative, actor: User) -> Creative:
    return _update_on_offer(creative, CREATIVE_FIELDS, actor, "creative.updated")


def _create_on_offer(offer: Offer, part: Part, actor: User, action: str) -> Part:
    locked = _save_new(offer, part)
    _audit_on_offer(locked, actor, action, part)
    return part


def _update_on_offer(part: Part, fields: list[str], actor: User, action: str) -> Part:
    """Saves the edit; audited when something changed (saving the same form again is not)."""
    locked, _before, changed = _save_edit(part, fields)
    if changed:
        _audit_on_offer(locked, actor, action, part)
    return part


def _audit_on_offer(offer: Offer, actor: User, action: str, part: Part) -> None:
    audit_row(offer, actor, action=action, to_state=str(part)[:64])
