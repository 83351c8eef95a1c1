"""Workflows of the tenancy core. Each one writes its audit row in the same transaction."""

from __future__ import annotations

import secrets
from collections.abc import Callable
from decimal import Decimal
from typing import TypeVar

from django.core import signing
from django.core.cache import cache
from django.db import IntegrityError, models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_scopes import scope, scopes_disabled

from lib.money import plain_money, to_minor, validate_amount, validate_currency
from network import audit_hook
from network.errors import ServiceError
from network.models import Invitation, Membership, Network, PayoutMinimum, Role, User
from network.step_up import MONEY_SETTINGS, StepUp, require_step_up

# A new network's minimum payout in its own currency, as before minimums were per currency.
DEFAULT_MINIMUM = Decimal(50)

HANDOFF_SALT = "network.handoff"
# Seconds: the link is followed by a redirect right away, then the person presses Continue.
HANDOFF_MAX_AGE = 300


class InvitationError(ServiceError):
    """Why an invitation cannot be accepted, in words for the person holding it."""


# How a company of a role is made when an invitation names a new one: the company's app
# registers its service when it loads (advertisers/apps.py: advertiser_create), as tenancy
# imports no app. A maker is called as maker(network=, actor=, name=) inside the invitation's
# transaction and writes its own audit row.
CompanyMaker = Callable[..., models.Model]
_company_makers: dict[str, CompanyMaker] = {}


def register_company_maker(role: str, maker: CompanyMaker) -> None:
    _company_makers[role] = maker


@transaction.atomic
def network_create(
    *, owner: User, name: str, slug: str, currency: str, timezone_name: str, language: str
) -> Network:
    network = Network.objects.create(
        name=name, slug=slug, currency=currency, timezone=timezone_name, language=language
    )
    with scope(network=network):
        Membership.objects.create(network=network, user=owner, role=Role.OWNER)
        PayoutMinimum.objects.create(
            network=network, currency=currency, amount=to_minor(DEFAULT_MINIMUM, currency)
        )
        audit_hook.record_row(network, owner, action="network.created", to_state=network.status)
    return network


def user_set_language(*, user: User, language: str) -> None:
    """The user's own language; empty falls back to the network's."""
    user.language = language
    user.save(update_fields=["language"])


@transaction.atomic
def network_update_settings(*, network: Network, actor: User, form, proof: StepUp) -> Network:
    """Save the settings form, with one audit row per changed field. A money control
    (step_up.MONEY_SETTINGS) changes only with two-factor and a fresh proof of presence, and
    only for what starts later: a payout run keeps the rule it started with. Its `min_payout`
    (the minimum in the network's own currency) is a row of the per-currency table."""
    if set(form.changed_data) & set(MONEY_SETTINGS):
        require_step_up(actor, proof, settings=True)
    # Serialised with payout_run_create, which copies the rule under the same row lock.
    Network.objects.select_for_update().filter(pk=network.pk).first()
    # min_payout is not a column of the network: payout_minimum_set saves and audits it.
    changed = [field for field in form.changed_data if field != "min_payout"]
    for field in changed:
        audit_hook.record_row(
            network,
            actor,
            action=f"network.{field}",
            from_state=str(form.initial.get(field, ""))[:64],
            to_state=str(form.cleaned_data[field])[:64],
        )
    network = form.save() if changed else network  # nothing unaudited is written
    if "min_payout" in form.changed_data:
        payout_minimum_set(
            network=network,
            actor=actor,
            currency=network.currency,
            amount=form.cleaned_data["min_payout"],
            proof=proof,
        )
    return network


Row = TypeVar("Row", bound=models.Model)


def create_unique(model: type[Row], refused: Callable[[], Exception], **fields: object) -> Row:
    """A new row, or `refused()` raised when the database's uniqueness refuses its twin (dedup
    is a constraint, never check-then-insert). In a savepoint: the caller's transaction goes
    on."""
    try:
        with transaction.atomic():
            return model._default_manager.create(**fields)
    except IntegrityError:
        raise refused() from None


Minimum = TypeVar("Minimum", bound=models.Model)


def minimum_replace(
    model: type[Minimum], currency: str, amount: Decimal | None, **owner: object
) -> tuple[Minimum | None, int | None, int | None]:
    """Set the minimum payout in one currency among `owner`'s rows of `model` (the network's
    PayoutMinimum, a publisher's PublisherMinimum), or remove it (None). Returns the row (None
    once removed) and the old and new amounts in minor units: equal, nothing changed. Raises
    ValidationError for a bad code or amount; the caller holds the owner's lock."""
    validate_currency(currency)
    if amount is not None:
        validate_amount(amount, currency)  # not negative, no finer than the minor unit
    row = model._default_manager.filter(currency=currency, **owner).first()
    old = row.amount if row else None  # type: ignore[attr-defined]
    new = None if amount is None else to_minor(amount, currency)
    if old == new:
        return row, old, new
    if new is None:
        assert row is not None  # old differs from new, so a row was there
        row.delete()
        row = None
    elif row is None:
        row = model._default_manager.create(currency=currency, amount=new, **owner)
    else:
        row.amount = new  # type: ignore[attr-defined]
        row.save(update_fields=["amount"])
    return row, old, new


@transaction.atomic
def payout_minimum_set(
    *, network: Network, actor: User, currency: str, amount: Decimal | None, proof: StepUp
) -> PayoutMinimum | None:
    """Set the network's minimum payout in one currency, or remove it (None: every positive
    balance in that currency is paid). Raises ValidationError for a bad code or amount. A money
    control: two-factor and a fresh proof of presence (StepUpRequired otherwise)."""
    require_step_up(actor, proof, settings=True)
    # One change of a network's minimums at a time, so the audit's "from" is the real one.
    Network.objects.select_for_update().filter(pk=network.pk).first()
    row, old, new = minimum_replace(PayoutMinimum, currency, amount, network=network)
    if old == new:
        return row
    audit_hook.record_row(
        network,
        actor,
        action="network.payout_minimum",
        from_state=plain_money(old, currency),
        to_state=plain_money(new, currency),
        reason=currency,
    )
    return row


@transaction.atomic
def invitation_create(
    *,
    network: Network,
    invited_by: User,
    email: str,
    role: str,
    advertiser: models.Model | None = None,
    company_name: str = "",
) -> Invitation:
    """Invite a manager, or a user of an (existing or new) advertiser company."""
    from network.tasks import send_email_of  # network.tasks -> emails -> services: a cycle

    if role == Role.ADVERTISER and advertiser is None:
        make_company = _company_makers[Role.ADVERTISER]
        advertiser = make_company(network=network, actor=invited_by, name=company_name)
    invitation = Invitation.objects.create(
        network=network,
        email=email.lower(),
        role=role,
        advertiser_id=advertiser.pk if advertiser is not None else None,
        invited_by=invited_by,
    )
    audit_hook.record_row(
        invitation,
        invited_by,
        action="invitation.created",
        network=network,
        to_state=invitation.status,
    )
    send_email_of.delay_on_commit(kind="invitation", network_id=network.pk, object_id=invitation.pk)
    return invitation


@transaction.atomic
def invitation_revoke(*, invitation: Invitation, actor: User) -> None:
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if invitation.status != Invitation.Status.PENDING:
        raise InvitationError(_("Only a pending invitation can be revoked."))
    invitation.status = Invitation.Status.REVOKED
    invitation.save(update_fields=["status"])
    audit_hook.record_row(
        invitation, actor, action="invitation.revoked", from_state="pending", to_state="revoked"
    )


@transaction.atomic
def invitation_accept(*, invitation: Invitation, user: User) -> Membership:
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if not invitation.is_usable:
        raise InvitationError(invitation.unusable_reason())
    if user.email.lower() != invitation.email.lower():
        raise InvitationError(
            _("This invitation is for %(invited)s; you are signed in as %(email)s.")
            % {"invited": invitation.email, "email": user.email}
        )
    membership = create_unique(
        Membership,
        lambda: InvitationError(_("You are already a member of this network.")),
        network=invitation.network,
        user=user,
        role=invitation.role,
        advertiser=invitation.advertiser,
    )
    invitation.status = Invitation.Status.ACCEPTED
    invitation.accepted_by = user
    invitation.save(update_fields=["status", "accepted_by"])
    audit_hook.record_row(
        invitation, user, action="invitation.accepted", from_state="pending", to_state="accepted"
    )
    return membership


def networks_of(user: User) -> list[Membership]:
    """Every membership of a user, across networks: the platform host lists them."""
    with scopes_disabled():
        return list(
            Membership.objects.filter(user=user, network__status=Network.Status.ACTIVE)
            .select_related("network")
            .order_by("network__name")
        )


def handoff_token(*, user: User, network: Network) -> str:
    """A short-lived, single-use token that signs the user in on the network's own host.

    Sessions are per host, so the platform host hands the signed-in user over to the network
    host after creating a network or picking one from the list.
    """
    payload = {"u": user.pk, "n": network.pk, "j": secrets.token_urlsafe(16)}
    return signing.dumps(payload, salt=HANDOFF_SALT)


def handoff_preview(*, token: str, network: Network) -> User | None:
    """Whom a valid, still unused token would sign in here; the token stays usable.

    The confirmation page names the account before anything happens: a link with someone
    else's token (login CSRF) then shows their address, and nothing is signed in on a GET.
    """
    payload = _handoff_payload(token, network)
    if payload is None or cache.get(_handoff_used_key(payload)) is not None:
        return None
    return _handoff_member(payload)


def handoff_user(*, token: str, network: Network) -> User | None:
    """The user a valid, unused token was made for in this network, else None; uses it up."""
    payload = _handoff_payload(token, network)
    if payload is None:
        return None
    # Single use: the first redemption claims the nonce (needs a shared cache in production).
    if not cache.add(_handoff_used_key(payload), 1, HANDOFF_MAX_AGE * 2):
        return None
    return _handoff_member(payload)


def _handoff_payload(token: str, network: Network) -> dict | None:
    try:
        payload = signing.loads(token, salt=HANDOFF_SALT, max_age=HANDOFF_MAX_AGE)
    except signing.BadSignature:
        return None
    if not isinstance(payload, dict) or payload.get("n") != network.pk:
        return None
    return payload


def _handoff_used_key(payload: dict) -> str:
    return f"handoff-used:{payload.get('j')}"


def _handoff_member(payload: dict) -> User | None:
    user_id = payload.get("u")
    if not isinstance(user_id, int):
        return None
    user = User.objects.filter(pk=user_id, is_active=True).first()
    if user is None or not Membership.objects.filter(user=user).exists():
        return None
    return user


def mark_invitation_sent(invitation: Invitation) -> None:
    invitation.sent_at = timezone.now()
    invitation.save(update_fields=["sent_at"])
