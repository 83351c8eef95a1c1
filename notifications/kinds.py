"""The kinds of notification, each named after the email of the same event (its template in
templates/emails/), with the words the preferences page shows and the roles that receive it.

Adding a kind is one line here (`register("rule_fired", _("A rule fired"), *ADMINS)`) beside
the email kind its app registers (network.emails): everything the email's builder sends
through network.emails.send_linked is then also told in the portal, by the recipient's choice.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from network.models import ADMIN_ROLES, Role

ADMINS = tuple(ADMIN_ROLES)
ADVERTISER = Role.ADVERTISER
PUBLISHER = Role.PUBLISHER


@dataclass(frozen=True)
class Kind:
    name: str
    label: str | Promise
    roles: tuple[str, ...]


KINDS: dict[str, Kind] = {}


def register(name: str, label: str | Promise, *roles: str) -> None:
    KINDS[name] = Kind(name, label, tuple(roles))


def kinds_for(role: str) -> list[Kind]:
    """The kinds a member of `role` may receive, in the order they were registered."""
    return [kind for kind in KINDS.values() if role in kind.roles]


def label_of(name: str) -> str | Promise:
    kind = KINDS.get(name)
    return kind.label if kind else name


# Offers
register("offer_submitted", _("An offer waits for review"), *ADMINS)
register("offer_review", _("Your offer was approved or sent back"), ADVERTISER)
register("access_request", _("A publisher asks to run an offer"), *ADMINS)
register("access_decision", _("Your request to run an offer was decided"), PUBLISHER)
register("offer_status", _("An offer you run was paused, closed or resumed"), PUBLISHER)
# Publishers
register("publisher_applied", _("A publisher applied"), *ADMINS)
register("publisher_decision", _("Your application was decided"), PUBLISHER)
register("payment_details_changed", _("Your payment details changed"), PUBLISHER)
# Money
register("payout_run_ready", _("A payout run is ready for review"), *ADMINS)
register("payout_approved", _("Your payout was approved"), PUBLISHER)
register("payout_paid", _("Your payout was paid"), PUBLISHER)
register("invoice_issued", _("An invoice was issued to you"), ADVERTISER)
# Integrations
register("webhook_disabled", _("A webhook was turned off after failures"), Role.OWNER)
register("postback_disabled", _("A postback was turned off after failures"), PUBLISHER)
