"""The offer moves of the API (submit, approve, pause...): one implementation for the admins'
offers (offers/api_admin.py) and the advertiser's (offers/api_advertiser.py).

A move is a POST to /offers/{id}/<move>/ that calls offers.services.offer_transition with the
caller's role: the service decides whether this role may make it now, validates, locks, audits
(`offer.status`) and emails, exactly as for the pages' buttons. Each role's module gives the
words of its moves (their schema); the table of moves and the actions are here.
"""

from __future__ import annotations

from collections.abc import Callable

from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.response import Response

from offers.models import Offer
from offers.services import allowed_moves, offer_transition

S = Offer.Status
# Every move by name: (the statuses it starts from, the status it leads to).
OFFER_MOVES: dict[str, tuple[tuple[str, ...], str]] = {
    "approve": ((S.PENDING,), S.ACTIVE),
    "send_back": ((S.PENDING,), S.DRAFT),
    "submit": ((S.DRAFT,), S.PENDING),
    "pause": ((S.ACTIVE,), S.PAUSED),
    "resume": ((S.PAUSED,), S.ACTIVE),
    "archive": ((S.DRAFT, S.PENDING, S.ACTIVE, S.PAUSED), S.ARCHIVED),
}
ADMIN_OFFER_MOVES = list(OFFER_MOVES)  # the schema's AdminOfferMoveEnum (settings.py)
ADVERTISER_OFFER_MOVES = ["submit", "pause", "resume", "archive"]


def move_names(offer: Offer, role: str, names: list[str] = ADMIN_OFFER_MOVES) -> list[str]:
    """The moves among `names` the offer allows this role now (services.allowed_moves)."""
    targets = set(allowed_moves(offer, role))
    return [
        name
        for name in names
        if offer.status in OFFER_MOVES[name][0] and OFFER_MOVES[name][1] in targets
    ]


def move_action(name: str, schema: Callable[[str], Callable]) -> Callable:
    """The viewset action `name`, a POST on one offer described by `schema(name)`."""

    def move(self, request, pk=None) -> Response:
        return self.move(name)

    move.__name__ = move.__qualname__ = name  # the action's URL and route name
    return schema(name)(action(detail=True, methods=["post"])(move))


class OfferMoves:
    """An offers viewset's moves: `move(name)` makes one for the caller and answers the offer
    as `offer_data` shows it. The moves of a role that explains them (the admins, to the
    advertiser) take `reason_body`. Mix it in after DRF's mixins: the schema takes the first
    docstring it finds among a viewset's classes before DRF's as its operations' description."""

    reason_body: type[serializers.Serializer] | None = None

    def move(self, name: str) -> Response:
        offer = self.get_object()  # another company's or network's id: 404 before anything
        reason = ""
        if self.reason_body is not None:
            reason = self.body_of(self.reason_body)["reason"]
        self.check_move(offer, name)
        offer_transition(
            offer=offer,
            to_status=OFFER_MOVES[name][1],
            actor=self.request.user,
            role=self.membership.role,
            reason=reason,
        )
        return Response(self.offer_data(self.get_object()))

    def check_move(self, offer: Offer, name: str) -> None:
        """A refusal in this role's words before the service's own (none by default)."""

    def offer_data(self, offer: Offer) -> dict:
        return self.get_serializer(offer).data
