"""What each role may read of the audit log, how its actors are named, and where an entry links.

An advertiser or a publisher reads the entries about their own objects only. That is one SQL
query: for each audited object type, `object_type = X AND object_id IN (the ids of X they own,
as text)`, with the owned ids as a subquery (never a Python list, which would grow with the
company's conversions). The types are the ones `audit.record()` is actually called with (grep
`audit_row(` and network's `audit_hook.record_row(`): landing pages and creatives are not
audited yet.

The tenancy core's own object types are declared here. Each app declares its own when it
loads (its AppConfig.ready imports its audit_labels module, which calls the register_*
functions below): their names, which company owns which rows, which page shows one. So this
module imports no domain app.

Known gap: an object that was deleted (a cap, a postback) is no longer "owned", so the entries
about it drop out of its company's view; the admins still see them.
"""

from __future__ import annotations

import operator
from collections.abc import Callable
from functools import reduce

from django.db.models import CharField, Model, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Cast
from django.urls import NoReverseMatch, reverse
from django.utils.functional import Promise
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from audit.models import AuditEntry
from network.models import ADMIN_ROLES, Membership, Role

ADMIN = "admin"

# Every object type written to the log (model label_lower), named for people.
OBJECT_TYPES: dict[str, str | Promise] = {
    "network.network": _("Network settings"),
    "network.invitation": _("Invitation"),
    "network.apikey": _("API key"),
}

# Per company role: the object type of the company itself (advertisers.advertiser), and for
# each object type the company owns, its rows of a company id.
OwnedRows = Callable[[int], QuerySet]
COMPANY_TYPES: dict[str, str] = {}
OWNED: dict[str, dict[str, OwnedRows]] = {Role.ADVERTISER: {}, Role.PUBLISHER: {}}

# Actions a company does not read about its own objects (the fraud flags of a conversion are
# the network's business: the publisher's conversion list hides them too).
HIDDEN_ACTIONS: dict[str, tuple[str, ...]] = {}

# Per role: object type -> (URL name, whether the URL takes the object's id). Only pages the
# role may open, and only for objects that a page shows by their own id (a goal's page also
# needs its offer's id, a publisher's statement a month: those entries do not link).
OBJECT_PAGES: dict[str, dict[str, tuple[str, bool]]] = {
    ADMIN: {
        "network.network": ("network_settings", False),
        "network.invitation": ("members", False),
    },
    Role.ADVERTISER: {},
    Role.PUBLISHER: {},
}


def register_object_type(object_type: str, name: str | Promise) -> None:
    """An object type the app writes to the log (model label_lower), named for people."""
    OBJECT_TYPES[object_type] = name


def register_company(role: str, object_type: str) -> None:
    """The object type of a company role's own record (Role.ADVERTISER: its company)."""
    COMPANY_TYPES[role] = object_type


def register_owned(role: str, object_type: str, model: type[Model], company_lookup: str) -> None:
    """A company role reads the entries about its rows of `object_type`: the rows of `model`
    whose `company_lookup` ("advertiser_id", "offer__advertiser_id") is the company's id."""

    def rows(company: int) -> QuerySet:
        return model._default_manager.filter(**{company_lookup: company})

    OWNED[role][object_type] = rows


def register_hidden(role: str, *actions: str) -> None:
    """Actions the role does not read about its own objects."""
    HIDDEN_ACTIONS[role] = (*HIDDEN_ACTIONS.get(role, ()), *actions)


def register_page(role: str, object_type: str, url_name: str, *, takes_id: bool = True) -> None:
    """The page where `role` (ADMIN, Role.ADVERTISER, Role.PUBLISHER) sees an object of this
    type: a URL name, with the object's id as its argument or none."""
    OBJECT_PAGES[role][object_type] = (url_name, takes_id)


def viewer_role(membership: Membership) -> str:
    return ADMIN if membership.is_admin else membership.role


def _as_text_ids(rows: QuerySet) -> QuerySet:
    """The rows' primary keys cast to text, the form AuditEntry.object_id keeps them in."""
    return rows.annotate(id_text=Cast("pk", output_field=CharField())).values("id_text")


def company_id(membership: Membership) -> int | None:
    """The id of the member's company (their advertiser or publisher), None for admins."""
    if membership.role == Role.ADVERTISER:
        return membership.advertiser_id
    if membership.role == Role.PUBLISHER:
        return membership.publisher_id
    return None


def owned_objects(role: str, company: int) -> dict[str, QuerySet]:
    """Each object type the company owns, with its rows (as the apps declared them)."""
    return {label: rows(company) for label, rows in OWNED.get(role, {}).items()}


def _about(company_type: str, company_id: int, owned: dict[str, QuerySet]) -> Q:
    # The company record itself is one known id: no subquery needed.
    conditions = [Q(object_type=company_type, object_id=str(company_id))]
    conditions += [
        Q(object_type=label, object_id__in=_as_text_ids(rows)) for label, rows in owned.items()
    ]
    return reduce(operator.or_, conditions)


def visible_entries(membership: Membership) -> QuerySet[AuditEntry]:
    """The entries this member may read (the scope adds the network), newest first."""
    entries = AuditEntry.objects.all()
    if membership.is_admin:
        return entries
    role, company = membership.role, company_id(membership)
    if role not in COMPANY_TYPES or company is None:
        return entries.none()  # a role added later sees nothing until it is decided here
    own = _about(COMPANY_TYPES[role], company, owned_objects(role, company))
    return entries.filter(own).exclude(action__in=HIDDEN_ACTIONS.get(role, ()))


def object_types_for(membership: Membership) -> list[tuple[str, str]]:
    """The object types a member can filter on: only those they may read about."""
    if membership.is_admin:
        labels = list(OBJECT_TYPES)
    elif membership.role in COMPANY_TYPES:
        labels = [COMPANY_TYPES[membership.role], *OWNED.get(membership.role, {})]
    else:
        labels = []
    choices = [(label, str(OBJECT_TYPES[label])) for label in labels]
    return sorted(choices, key=lambda choice: choice[1].lower())


def object_type_name(label: str) -> str:
    return str(OBJECT_TYPES.get(label, label))


# --- Who acted, as each role may read it -------------------------------------------------


def with_actor_side(entries: QuerySet[AuditEntry]) -> QuerySet[AuditEntry]:
    """Each entry with its actor's role and company in this network (subqueries, so still
    one query), for `actor_shown()`."""
    member = Membership.objects.filter(
        network_id=OuterRef("network_id"), user_id=OuterRef("actor_id")
    )
    return entries.annotate(
        actor_role=Subquery(member.values("role")[:1]),
        actor_advertiser=Subquery(member.values("advertiser_id")[:1]),
        actor_publisher=Subquery(member.values("publisher_id")[:1]),
    )


def actor_shown(entry: AuditEntry, membership: Membership) -> str:
    """The actor as this member may read it.

    Admins read the label as stored. A company reads the names of its own people and of the
    system jobs, but not the personal emails of the network's staff ("Network team") nor of
    another company's people (their company role): those are contact details a company has
    no business collecting from the log.
    """
    if membership.is_admin:
        return entry.actor_shown
    if entry.actor_id is None:
        # A system job, or a person since deleted (whose side is unknown).
        if entry.actor_label.startswith("system"):
            return entry.actor_shown
        return gettext("A former member")
    role = getattr(entry, "actor_role", None)
    own = (role == Role.ADVERTISER and entry.actor_advertiser == membership.advertiser_id) or (
        role == Role.PUBLISHER and entry.actor_publisher == membership.publisher_id
    )
    if own:
        return entry.actor_label
    if role in ADMIN_ROLES:
        return gettext("Network team")
    if role == Role.ADVERTISER:
        return gettext("Advertiser")
    if role == Role.PUBLISHER:
        return gettext("Publisher")
    return gettext("A former member")


# --- Where an entry links ---------------------------------------------------------------


def object_url(role: str, object_type: str, object_id: str, action: str = "") -> str | None:
    """The page of the entry's object for this role, or None when there is none (no page,
    or the entry says the object was deleted)."""
    page = OBJECT_PAGES.get(role, {}).get(object_type)
    if page is None or action.endswith(".deleted"):
        return None
    name, takes_id = page
    try:
        return reverse(name, args=[object_id] if takes_id else [])
    except NoReverseMatch:  # an id the URL cannot hold (not a number)
        return None
