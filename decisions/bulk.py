"""The bulk decisions of the conversions pages (advertisers and admins) and of the API: the
ticked conversions approved, rejected or reversed (admins also override), one by one through
decisions.services.conversion_decide, which locks the row, re-checks the transition, posts to the
ledger and writes the audit entry."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import partial
from typing import cast

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from decisions.services import Actor, DecisionError, conversion_decide, status_word
from lib.formats import format_number
from lib.tables import TickedIdsField, ticked
from network.models import Network
from tracking.models import Conversion

Status = Conversion.Status
MAX_SELECTED = 500  # a page shows at most 100 rows; more is not a person's selection
MAX_REASON = 500
# The moves an advertiser asks for: the bulk form's buttons and the CSV file's status column.
CSV_STATUSES = (Status.APPROVED, Status.REJECTED, Status.REVERSED)

OVERRIDE = "override"
BULK_DONE = {
    Status.APPROVED: _("approved"),
    Status.REJECTED: _("rejected"),
    Status.REVERSED: _("reversed"),
    Status.PENDING: _("set back to pending"),
}


class IdsField(TickedIdsField):
    """The ticked conversions."""

    most = MAX_SELECTED

    def not_from_list(self) -> str:
        return gettext("Select conversions from the list.")

    def too_many(self) -> str:
        return ngettext(
            "Select at most %(count)s conversion at a time.",
            "Select at most %(count)s conversions at a time.",
            MAX_SELECTED,
        ) % {"count": format_number(MAX_SELECTED)}

    def none_ticked(self) -> str:
        return gettext("Select at least one conversion.")


class BulkDecisionForm(forms.Form):
    """Approve, reject or reverse the ticked conversions; admins may also override."""

    selected = IdsField()
    action = forms.ChoiceField(
        choices=[(s, s) for s in CSV_STATUSES],
        error_messages={"required": _("Choose what to do with the selected conversions.")},
    )
    to_status = forms.ChoiceField(
        label=_("Override to"),
        choices=[("", _("Choose a status")), *Status.choices],
        required=False,
    )
    reason = forms.CharField(
        max_length=MAX_REASON,
        required=False,
        help_text=_("Required to reject, reverse or override; the publisher may see it."),
    )

    def __init__(self, *args, admin: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.admin = admin
        if admin:
            action = self.fields["action"]
            assert isinstance(action, forms.ChoiceField)
            action.choices = [*cast(list, action.choices), (OVERRIDE, OVERRIDE)]  # a list here
        else:
            del self.fields["to_status"]

    def clean(self):
        data = super().clean() or {}
        action, reason = data.get("action"), data.get("reason", "")
        if action == OVERRIDE:
            if not data.get("to_status"):
                self.add_error("to_status", gettext("Choose the status to override to."))
            if not reason:
                self.add_error("reason", gettext("An override needs a reason."))
        elif action in (Status.REJECTED, Status.REVERSED) and not reason:
            self.add_error(
                "reason",
                gettext("Say why the conversions are %(status)s.")
                % {"status": status_word(action)},
            )
        return data

    @property
    def target_status(self) -> str:
        data = self.cleaned_data
        return data["to_status"] if data["action"] == OVERRIDE else data["action"]

    @property
    def override(self) -> bool:
        return self.cleaned_data["action"] == OVERRIDE

    def ticked(self) -> set[int]:
        return ticked(self)


@dataclass
class BulkResult:
    changed: int = 0
    ignored: int = 0  # ids that are not the user's to decide (or do not exist)
    errors: list[str] = field(default_factory=list)


def decide_selected(
    *,
    network: Network,
    decidable: QuerySet[Conversion],
    ids: Iterable[int],
    to_status: str,
    actor: Actor,
    reason: str,
    override: bool = False,
) -> BulkResult:
    """Decide each of `ids` that is in `decidable` (the user's own conversions), one by one;
    the others are ignored, never touched."""
    ids = set(ids)
    own = list(decidable.filter(pk__in=ids).order_by("pk").values_list("pk", flat=True))
    result = BulkResult(ignored=len(ids) - len(own))
    decide = partial(
        conversion_decide,
        network=network,
        to_status=to_status,
        actor=actor,
        reason=reason,
        override=override,
    )
    for conversion_id in own:
        try:
            decide(conversion_id=conversion_id)
        except DecisionError as exc:
            result.errors.append(
                gettext("#%(id)s: %(error)s") % {"id": conversion_id, "error": exc}
            )
        else:
            result.changed += 1
    return result
