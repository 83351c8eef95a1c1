"""The base of every publisher viewset, whichever app's endpoint it is (offers, conversions,
statements, postbacks): the publisher's company, and 403 for an account not approved yet."""

from __future__ import annotations

from django.utils.translation import gettext as _
from rest_framework import exceptions

from network.api_base import TenantViewSet
from network.models import Role
from publishers.models import Publisher

PUBLISHER = (Role.PUBLISHER,)


class PublisherViewSet(TenantViewSet):
    """A publisher's viewset: the actions in `approved_only` need an approved account, as the
    pages that show "not approved" instead of offers and postbacks."""

    approved_only: tuple[str, ...] = ()

    @property
    def publisher(self) -> Publisher:
        return self.membership.publisher

    def check_permissions(self, request) -> None:
        super().check_permissions(request)  # the role first: only a publisher has a company
        if self.action in self.approved_only and self.publisher.status != Publisher.Status.APPROVED:
            raise exceptions.PermissionDenied(
                _(
                    "Your publisher account is not approved yet: offers and postbacks open "
                    "once the network approves it."
                )
            )
