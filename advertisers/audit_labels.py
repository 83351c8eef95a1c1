"""What the audit log says about advertiser companies (audit.text, audit.log):
imported by AdvertisersConfig.ready."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from advertisers.models import Advertiser
from audit import log as audit_log
from audit import text as audit_text
from network.models import Role

audit_text.register_actions(
    {
        "advertiser.created": _("Advertiser added"),
        "advertiser.status": _("Status"),
    }
)
audit_text.register_states("advertisers.advertiser", dict(Advertiser.Status.choices))

audit_log.register_object_type("advertisers.advertiser", _("Advertiser"))
audit_log.register_company(Role.ADVERTISER, "advertisers.advertiser")
audit_log.register_page(
    audit_log.ADMIN, "advertisers.advertiser", "advertiser_list", takes_id=False
)
audit_log.register_page(
    Role.ADVERTISER, "advertisers.advertiser", "advertiser_home", takes_id=False
)
