"""How an audit entry reads to a person, in the reader's language.

The log stores codes, the same in every language and for the API and the CSV export: the action
(`offer.status`), and the states it changed from and to (`draft`, `pending`), which are the
model's choice values, an endpoint's state, a setting's value, or free text (a name, an amount,
terms). This module is the one place that turns them into words: each action has a label, and
the values of an action are labelled with the choices of the object it is about. A value that
is not a code (a name, an amount) is shown as stored.

The tenancy core's own actions and objects are named here. Each app names its own when it
loads (its AppConfig.ready imports its audit_labels module, which calls the register_*
functions below), so that this module imports no domain app. A new action gets its label there
(audit/tests/test_text.py fails on an action the code writes that has none).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from django.conf import settings
from django.core.exceptions import FieldDoesNotExist
from django.utils.functional import Promise
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from audit.models import AuditEntry
from network.models import Invitation, Network

Label = str | Promise  # a translated word, lazily

# Action code -> label.
ACTIONS: dict[str, Label] = {
    "api_key.created": _("API key created"),
    "api_key.revoked": _("API key revoked"),
    "invitation.created": _("Invitation sent"),
    "invitation.revoked": _("Invitation revoked"),
    "invitation.accepted": _("Invitation accepted"),
    "network.created": _("Network created"),
    "network.payout_minimum": _("Minimum payout"),
}

# An endpoint's state (a publisher's postback endpoint, a webhook endpoint): the apps that
# have endpoints label their states with these words.
ENDPOINT_STATES = {
    "active": _("On"),
    "failing": _("Turned off after failed calls"),
    "off": _("Off"),
}
API_KEY_STATES = {"active": _("Active"), "revoked": _("Revoked")}

# The values of each object type's states (model label_lower -> value -> label): the model's
# own choices.
STATES: dict[str, Mapping[str, Label]] = {
    "network.network": dict(Network.Status.choices),
    "network.invitation": dict(Invitation.Status.choices),
    "network.apikey": API_KEY_STATES,
}
YES_NO = {"True": _("Yes"), "False": _("No")}
# Words some actions store as a value ("network default": no minimum of one's own).
WORDS: dict[str, Label] = {}
# Actions whose values are labelled by a function of the value (terms: "cpa 8.00 + 0%"), by
# the prefix of the action.
VALUE_LABELS: dict[str, Callable[[str], str]] = {}
# Actions whose reason is a code to name (a fraud check's flags), by action.
REASON_LABELS: dict[str, Callable[[str], str]] = {}


def register_actions(labels: Mapping[str, Label]) -> None:
    """Labels of an app's action codes ("offer.status": "Status")."""
    ACTIONS.update(labels)


def register_states(object_type: str, labels: Mapping[str, Label]) -> None:
    """The words of an object type's states (a model's choices, by its label_lower)."""
    STATES[object_type] = labels


def register_words(words: Mapping[str, Label]) -> None:
    """Words an action stores as a value, in the reader's language."""
    WORDS.update(words)


def register_value_labels(action_prefix: str, label: Callable[[str], str]) -> None:
    """The values of the actions starting with `action_prefix`, labelled by `label(value)`."""
    VALUE_LABELS[action_prefix] = label


def register_reason_labels(action: str, label: Callable[[str], str]) -> None:
    """The reason of `action`'s entries, labelled by `label(reason)`."""
    REASON_LABELS[action] = label


def _setting(action: str) -> str:
    """`network.<field>`: a network setting changed on the settings page ("" otherwise)."""
    kind, _dot, field = action.partition(".")
    if kind != "network" or action in ACTIONS:
        return ""
    try:
        return Network._meta.get_field(field).name
    except FieldDoesNotExist:  # a field since removed: no label, the code is shown
        return ""


def action_label(entry: AuditEntry) -> str:
    """What was done, in words: "Status", "Invoice paid", "Language" (a setting)."""
    if entry.action in ACTIONS:
        return str(ACTIONS[entry.action])
    field = _setting(entry.action)
    if field:
        return str(Network._meta.get_field(field).verbose_name).capitalize()
    return entry.action


def value_label(entry: AuditEntry, value: str) -> str:
    """One of the entry's states in words (a value that is no code as it is)."""
    if not value:
        return ""
    if value in WORDS:
        return str(WORDS[value])
    field = _setting(entry.action)
    if field == "language":
        return str(dict(settings.LANGUAGES).get(value, value))
    if field:
        return str(YES_NO.get(value, value))
    for prefix, label in VALUE_LABELS.items():
        if entry.action.startswith(prefix):
            return label(value)
    return str(STATES.get(entry.object_type, {}).get(value, value))


def change_label(entry: AuditEntry) -> str:
    """The change of state in words: "Draft → Pending review", or the new state alone."""
    before, after = value_label(entry, entry.from_state), value_label(entry, entry.to_state)
    if before and after:
        return f"{before} → {after}"
    return after or before


def summary(entry: AuditEntry) -> str:
    """The entry as one sentence of a history list: "Status: Draft → Pending review"."""
    change = change_label(entry)
    return f"{action_label(entry)}: {change}" if change else action_label(entry)


def reason_label(entry: AuditEntry) -> str:
    """Why: as typed by the person, or a code in words (a fraud check's flags)."""
    label = REASON_LABELS.get(entry.action)
    if label is not None and entry.reason:
        return label(entry.reason)
    return entry.reason


def actor_label(label: str) -> str:
    """A stored actor label, with the system's name in the reader's language."""
    if label == "system" or label.startswith("system "):
        return gettext("System") + label[len("system") :]
    return label
