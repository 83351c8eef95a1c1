"""Tenancy core: users, networks (tenants), their host names, memberships and invitations."""

from __future__ import annotations

import secrets
import zoneinfo
from datetime import timedelta
from decimal import Decimal

from django.conf import settings
from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, RegexValidator
from django.db import models
from django.utils.timezone import now
from django.utils.translation import gettext_lazy as _
from django_scopes import ScopedManager, scopes_disabled

from lib.fields import optional_fk
from lib.money import validate_currency, validate_percent

TIMEZONES = sorted(zoneinfo.available_timezones())


def validate_timezone(value: str) -> None:
    if value not in zoneinfo.available_timezones():
        raise ValidationError(_("Unknown time zone."))


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def create_user(self, email: str, password: str | None = None, **extra):
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **extra):
        extra.update(is_staff=True, is_superuser=True)
        return self.create_user(email, password, **extra)


class User(AbstractUser):
    """A global account: one login for every network the person belongs to."""

    username = None  # type: ignore[assignment]
    email = models.EmailField(_("email address"), unique=True)
    name = models.CharField(_("name"), max_length=150, blank=True)
    language = models.CharField(
        _("language"),
        max_length=8,
        choices=settings.LANGUAGES,
        blank=True,
        help_text=_("Empty: the network's language."),
    )

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []
    objects = UserManager()  # type: ignore[misc]

    def __str__(self) -> str:
        return self.name or self.email


slug_validator = RegexValidator(
    r"^[a-z0-9](?:[a-z0-9-]{0,38}[a-z0-9])?$",
    _("Use 1-40 lowercase letters, digits or hyphens; no hyphen at either end."),
)
RESERVED_SLUGS = {"www", "api", "admin", "static", "media", "mail", "smtp", "track", "platform"}


class Network(models.Model):
    """A tenant: one affiliate network with its own advertisers, publishers and money."""

    class Status(models.TextChoices):
        ACTIVE = "active", _("Active")
        SUSPENDED = "suspended", _("Suspended")

    name = models.CharField(_("name"), max_length=100)
    slug = models.CharField(_("address"), max_length=40, unique=True, validators=[slug_validator])
    currency = models.CharField(
        _("currency"), max_length=3, default="USD", validators=[validate_currency]
    )
    timezone = models.CharField(
        _("time zone"), max_length=64, default="UTC", validators=[validate_timezone]
    )
    language = models.CharField(
        _("language"), max_length=8, choices=settings.LANGUAGES, default="en"
    )
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.ACTIVE
    )
    default_margin_percent = models.DecimalField(
        _("default margin (%)"),
        max_digits=5,
        decimal_places=2,
        default=Decimal(20),
        validators=[validate_percent],
        help_text=_("Publisher payouts default to revenue minus this share."),
    )
    fallback_url = models.URLField(
        _("fallback URL"),
        max_length=2000,
        blank=True,
        help_text=_("Where clicks go that no offer can take (e.g. your own site)."),
    )
    payout_second_approver = models.BooleanField(
        _("payout runs need a second approver"),
        default=False,
        help_text=_("Two different owners or managers must approve each payout run."),
    )
    invoice_terms_days = models.PositiveSmallIntegerField(
        _("payment terms (days)"),
        default=30,
        validators=[MaxValueValidator(365)],
        help_text=_("Invoices are due this many days after they are issued (Net 30)."),
    )
    created_at = models.DateTimeField(default=now)

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        # The middleware caches host -> network; a suspended network must not linger.
        from network.middleware import forget_host

        with scopes_disabled():
            custom_hosts = list(
                Domain.objects.filter(network=self).values_list("hostname", flat=True)
            )
        for hostname in [self.portal_host, *custom_hosts]:
            forget_host(hostname)

    def minimum_payout(self, currency: str) -> int | None:
        """The network's minimum payout in `currency` (minor units), None when it has none."""
        row = PayoutMinimum.objects.filter(network=self, currency=currency).first()
        return row.amount if row else None

    @property
    def portal_host(self) -> str:
        return f"{self.slug}.{settings.PLATFORM_DOMAIN}"

    def absolute_url(self, path: str = "/") -> str:
        """Link into this network's portal, for emails sent outside a request."""
        port = f":{settings.PLATFORM_PORT}" if settings.PLATFORM_PORT else ""
        return f"{settings.PLATFORM_SCHEME}://{self.portal_host}{port}{path}"


class PayoutMinimum(models.Model):
    """The network's minimum payout in one currency: a publisher's balance in that currency
    below it is carried to the next monthly run. Per currency, because one number cannot mean
    the same in VND (0 decimals) and KWD (3 decimals). A currency without a row has no
    minimum: every positive balance is paid. Publishers may have their own
    (publishers.PublisherMinimum)."""

    network = models.ForeignKey(Network, on_delete=models.CASCADE, related_name="+")
    currency = models.CharField(_("currency"), max_length=3, validators=[validate_currency])
    amount = models.BigIntegerField(_("minimum payout"), help_text="minor units")

    objects = ScopedManager(network="network")

    class Meta:
        ordering = ["currency"]
        constraints = [
            models.UniqueConstraint(fields=["network", "currency"], name="payout_minimum_once"),
            models.CheckConstraint(condition=models.Q(amount__gte=0), name="payout_minimum_gte_0"),
        ]

    def __str__(self) -> str:
        return f"{self.network} {self.currency} {self.amount}"


class Domain(models.Model):
    """A custom host name for a network's portal or its tracking links."""

    class Kind(models.TextChoices):
        PORTAL = "portal", _("Portal")
        TRACKING = "tracking", _("Tracking")

    network = models.ForeignKey(Network, on_delete=models.CASCADE, related_name="domains")
    hostname = models.CharField(max_length=253, unique=True)
    kind = models.CharField(max_length=16, choices=Kind.choices, default=Kind.PORTAL)

    objects = ScopedManager(network="network")

    def __str__(self) -> str:
        return self.hostname

    def save(self, *args, **kwargs):
        self.hostname = self.hostname.lower().rstrip(".")
        super().save(*args, **kwargs)
        # Host lookups are cached by the middleware; forget the old answer now.
        from network.middleware import forget_host

        forget_host(self.hostname)

    def delete(self, *args, **kwargs):
        from network.middleware import forget_host

        forget_host(self.hostname)
        return super().delete(*args, **kwargs)


def host_cache_key(hostname: str) -> str:
    return f"tenant-host:{hostname}"


class Role(models.TextChoices):
    OWNER = "owner", _("Owner")
    MANAGER = "manager", _("Manager")
    ADVERTISER = "advertiser", _("Advertiser")
    PUBLISHER = "publisher", _("Publisher")


ADMIN_ROLES = (Role.OWNER, Role.MANAGER)


class Membership(models.Model):
    """What one user is in one network. Advertisers and publishers point at their company."""

    network = models.ForeignKey(Network, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(max_length=16, choices=Role.choices)
    advertiser = optional_fk("advertisers.Advertiser", models.PROTECT, related_name="memberships")
    publisher = optional_fk("publishers.Publisher", models.PROTECT, related_name="memberships")
    created_at = models.DateTimeField(default=now)

    objects = ScopedManager(network="network")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["network", "user"], name="membership_one_per_network"),
            models.CheckConstraint(
                name="membership_company_matches_role",
                condition=(
                    models.Q(role="advertiser", advertiser__isnull=False, publisher__isnull=True)
                    | models.Q(role="publisher", publisher__isnull=False, advertiser__isnull=True)
                    | models.Q(
                        role__in=["owner", "manager"],
                        advertiser__isnull=True,
                        publisher__isnull=True,
                    )
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} ({self.get_role_display()}) in {self.network}"

    @property
    def is_admin(self) -> bool:
        return self.role in ADMIN_ROLES


def new_invitation_key() -> str:
    return secrets.token_urlsafe(32)


def default_invitation_expiry():
    return now() + timedelta(days=settings.INVITATION_LIFETIME_DAYS)


class Invitation(models.Model):
    """An emailed link that makes its recipient a manager or an advertiser company's user."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        ACCEPTED = "accepted", _("Accepted")
        REVOKED = "revoked", _("Revoked")

    INVITABLE_ROLES = [
        (Role.MANAGER.value, Role.MANAGER.label),
        (Role.ADVERTISER.value, Role.ADVERTISER.label),
    ]

    network = models.ForeignKey(Network, on_delete=models.CASCADE, related_name="invitations")
    email = models.EmailField(_("email"))
    role = models.CharField(_("role"), max_length=16, choices=INVITABLE_ROLES)
    advertiser = optional_fk("advertisers.Advertiser", models.PROTECT, related_name="invitations")
    key = models.CharField(max_length=64, unique=True, default=new_invitation_key, editable=False)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PENDING)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    accepted_by = optional_fk(settings.AUTH_USER_MODEL, models.SET_NULL)
    created_at = models.DateTimeField(default=now)
    expires_at = models.DateTimeField(default=default_invitation_expiry)
    sent_at = models.DateTimeField(null=True, blank=True)

    objects = ScopedManager(network="network")

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                name="invitation_advertiser_matches_role",
                condition=models.Q(role="advertiser", advertiser__isnull=False)
                | models.Q(role="manager", advertiser__isnull=True),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.email} as {self.get_role_display()}"

    @classmethod
    def company_model(cls) -> type[models.Model]:
        """The advertiser company model, as the `advertiser` foreign key names it: tenancy
        names the company apps only in its foreign keys (network imports no app)."""
        return cls._meta.get_field("advertiser").related_model

    @property
    def is_expired(self) -> bool:
        return now() >= self.expires_at

    @property
    def is_usable(self) -> bool:
        return self.status == self.Status.PENDING and not self.is_expired

    def unusable_reason(self) -> str:
        """Why this link no longer works, for the person holding it."""
        if self.status == self.Status.ACCEPTED:
            return str(_("This invitation has already been used."))
        if self.status == self.Status.REVOKED:
            return str(_("This invitation was revoked. Ask the network for a new one."))
        return str(_("This invitation has expired. Ask the network for a new one."))

    @property
    def status_key(self) -> str:
        """The status for a badge's class: "expired" for a pending one past its date."""
        if self.status == self.Status.PENDING and self.is_expired:
            return "expired"
        return self.status

    @property
    def display_status(self) -> str:
        if self.status == self.Status.PENDING and self.is_expired:
            return str(_("Expired"))
        return self.get_status_display()

    def accept_url(self) -> str:
        return self.network.absolute_url(f"/invitations/{self.key}/")


from network.api_keys import ApiKey  # noqa: E402, F401  (model lives in its own module)
from network.idempotency import IdempotencyRecord  # noqa: E402, F401  (own module)
