"""Offers' tables as the old chain (0001_initial, 0002) left them, squashed from today's models
(issue 17)."""

from decimal import Decimal

import django.core.validators
import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models

import lib.macros
import lib.money
import lib.urls
import offers.models


class Migration(migrations.Migration):
    initial = True

    replaces = [
        ("offers", "0001_initial"),
        ("offers", "0002_rules_to_commissions"),
    ]

    dependencies = [
        ("advertisers", "0002_squashed_relations"),
        ("network", "0002_squashed_relations"),
        ("publishers", "0001_squashed"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="Offer",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("name", models.CharField(max_length=150, verbose_name="name")),
                ("description", models.TextField(blank=True, verbose_name="description")),
                (
                    "category",
                    models.CharField(
                        choices=[
                            ("ecommerce", "E-commerce"),
                            ("finance", "Finance"),
                            ("insurance", "Insurance"),
                            ("travel", "Travel"),
                            ("education", "Education"),
                            ("health", "Health & beauty"),
                            ("software", "Software & apps"),
                            ("gaming", "Games"),
                            ("telecom", "Telecom"),
                            ("other", "Other"),
                        ],
                        max_length=32,
                        verbose_name="category",
                    ),
                ),
                (
                    "preview_url",
                    models.URLField(
                        blank=True,
                        max_length=2000,
                        validators=[lib.urls.validate_http_url],
                        verbose_name="preview URL",
                    ),
                ),
                (
                    "status",
                    models.CharField(
                        choices=[
                            ("draft", "Draft"),
                            ("pending", "Pending review"),
                            ("active", "Active"),
                            ("paused", "Paused"),
                            ("archived", "Archived"),
                        ],
                        default="draft",
                        max_length=16,
                    ),
                ),
                (
                    "visibility",
                    models.CharField(
                        choices=[
                            ("public", "Public: every approved publisher may run it"),
                            ("approval", "Approval required"),
                            ("private", "Private: invited publishers only"),
                        ],
                        default="approval",
                        max_length=16,
                        verbose_name="visibility",
                    ),
                ),
                (
                    "currency",
                    models.CharField(
                        max_length=3,
                        validators=[lib.money.validate_currency],
                        verbose_name="currency",
                    ),
                ),
                (
                    "allowed_countries",
                    models.JSONField(blank=True, default=list, verbose_name="allowed countries"),
                ),
                (
                    "device_types",
                    models.JSONField(blank=True, default=list, verbose_name="device types"),
                ),
                (
                    "attribution_window_days",
                    models.PositiveSmallIntegerField(
                        default=30,
                        validators=[
                            django.core.validators.MinValueValidator(1),
                            django.core.validators.MaxValueValidator(365),
                        ],
                        verbose_name="attribution window (days)",
                    ),
                ),
                (
                    "hold_days",
                    models.PositiveSmallIntegerField(
                        default=7,
                        validators=[django.core.validators.MaxValueValidator(365)],
                        verbose_name="hold period (days)",
                    ),
                ),
                (
                    "multiple_conversions",
                    models.BooleanField(
                        default=False, verbose_name="allow several conversions per click"
                    ),
                ),
                (
                    "fallback_url",
                    models.URLField(
                        blank=True,
                        max_length=2000,
                        validators=[lib.urls.validate_http_url],
                        verbose_name="fallback URL",
                    ),
                ),
                ("expires_on", models.DateField(blank=True, null=True, verbose_name="expires on")),
                ("terms", models.TextField(blank=True, verbose_name="terms for publishers")),
                (
                    "deep_link_domains",
                    models.JSONField(
                        blank=True, default=list, verbose_name="allowed deep-link domains"
                    ),
                ),
                ("created_at", models.DateTimeField(default=django.utils.timezone.now)),
                ("updated_at", models.DateTimeField(default=django.utils.timezone.now)),
                (
                    "advertiser",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="offers",
                        to="advertisers.advertiser",
                    ),
                ),
                (
                    "fallback_offer",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to="offers.offer",
                        verbose_name="fallback offer",
                    ),
                ),
                (
                    "network",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="network.network",
                    ),
                ),
            ],
            options={
                "ordering": ["-created_at"],
            },
        ),
        migrations.CreateModel(
            name="LandingPage",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("name", models.CharField(max_length=100, verbose_name="name")),
                (
                    "url_template",
                    models.CharField(
                        max_length=2000,
                        validators=[lib.macros.validate_url_template],
                        verbose_name="URL (with macros)",
                    ),
                ),
                (
                    "weight",
                    models.PositiveSmallIntegerField(
                        default=100,
                        help_text="Share of traffic in A/B rotation, relative to the other active pages.",
                        validators=[django.core.validators.MaxValueValidator(10000)],
                        verbose_name="rotation weight",
                    ),
                ),
                ("is_active", models.BooleanField(default=True, verbose_name="active")),
                (
                    "network",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="network.network",
                    ),
                ),
                (
                    "offer",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="landing_pages",
                        to="offers.offer",
                    ),
                ),
            ],
            options={
                "ordering": ["id"],
            },
        ),
        migrations.CreateModel(
            name="Goal",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "payout_type",
                    models.CharField(
                        choices=[
                            ("cpa", "CPA: flat per action"),
                            ("cps", "CPS: percent of sale"),
                            ("cpa_cps", "CPA + CPS"),
                            ("cpl", "CPL: flat per lead"),
                            ("cpc", "CPC: per unique click"),
                        ],
                        max_length=8,
                        verbose_name="payout type",
                    ),
                ),
                (
                    "payout_amount",
                    models.DecimalField(
                        decimal_places=3,
                        default=Decimal("0"),
                        max_digits=14,
                        verbose_name="payout (flat)",
                    ),
                ),
                (
                    "payout_percent",
                    models.DecimalField(
                        decimal_places=3,
                        default=Decimal("0"),
                        max_digits=6,
                        verbose_name="payout (% of sale)",
                    ),
                ),
                ("name", models.CharField(max_length=100, verbose_name="name")),
                ("is_default", models.BooleanField(default=False, verbose_name="default goal")),
                (
                    "revenue_type",
                    models.CharField(
                        choices=[
                            ("cpa", "CPA: flat per action"),
                            ("cps", "CPS: percent of sale"),
                            ("cpa_cps", "CPA + CPS"),
                            ("cpl", "CPL: flat per lead"),
                            ("cpc", "CPC: per unique click"),
                        ],
                        max_length=8,
                        verbose_name="revenue type",
                    ),
                ),
                (
                    "revenue_amount",
                    models.DecimalField(
                        decimal_places=3,
                        default=Decimal("0"),
                        max_digits=14,
                        verbose_name="revenue (flat)",
                    ),
                ),
                (
                    "revenue_percent",
                    models.DecimalField(
                        decimal_places=3,
                        default=Decimal("0"),
                        max_digits=6,
                        verbose_name="revenue (% of sale)",
                    ),
                ),
                (
                    "payout_set",
                    models.BooleanField(
                        default=False, help_text="Whether an admin has set the publisher payout."
                    ),
                ),
                (
                    "network",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="network.network",
                    ),
                ),
                (
                    "offer",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="goals",
                        to="offers.offer",
                    ),
                ),
            ],
            options={
                "ordering": ["-is_default", "id"],
            },
        ),
        migrations.CreateModel(
            name="Creative",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("name", models.CharField(max_length=100, verbose_name="name")),
                (
                    "kind",
                    models.CharField(
                        choices=[
                            ("banner", "Banner image"),
                            ("text", "Text link"),
                            ("html", "HTML snippet"),
                        ],
                        max_length=8,
                        verbose_name="kind",
                    ),
                ),
                (
                    "image",
                    models.ImageField(
                        blank=True,
                        height_field="height",
                        upload_to=offers.models.creative_upload_path,
                        verbose_name="image",
                        width_field="width",
                    ),
                ),
                ("width", models.PositiveIntegerField(blank=True, null=True)),
                ("height", models.PositiveIntegerField(blank=True, null=True)),
                ("text", models.CharField(blank=True, max_length=200, verbose_name="link text")),
                (
                    "html",
                    models.TextField(
                        blank=True,
                        help_text="Use {tracking_link} and {impression_pixel} where they belong.",
                        verbose_name="HTML",
                    ),
                ),
                ("is_active", models.BooleanField(default=True, verbose_name="active")),
                ("created_at", models.DateTimeField(default=django.utils.timezone.now)),
                (
                    "network",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="network.network",
                    ),
                ),
                (
                    "landing_page",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to="offers.landingpage",
                    ),
                ),
                (
                    "offer",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="creatives",
                        to="offers.offer",
                    ),
                ),
            ],
            options={
                "ordering": ["id"],
            },
        ),
        migrations.CreateModel(
            name="Cap",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "period",
                    models.CharField(
                        choices=[
                            ("daily", "Daily"),
                            ("weekly", "Weekly"),
                            ("monthly", "Monthly"),
                            ("total", "Total"),
                        ],
                        max_length=8,
                        verbose_name="period",
                    ),
                ),
                (
                    "metric",
                    models.CharField(
                        choices=[
                            ("conversions", "Conversions"),
                            ("payout", "Payout budget"),
                            ("clicks", "Clicks"),
                        ],
                        max_length=12,
                        verbose_name="counts",
                    ),
                ),
                (
                    "limit",
                    models.DecimalField(decimal_places=3, max_digits=14, verbose_name="limit"),
                ),
                (
                    "action",
                    models.CharField(
                        choices=[
                            ("stop", "Stop accepting conversions"),
                            ("fallback", "Send clicks to the fallback"),
                        ],
                        max_length=8,
                        verbose_name="when reached",
                    ),
                ),
                (
                    "network",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="network.network",
                    ),
                ),
                (
                    "publisher",
                    models.ForeignKey(
                        blank=True,
                        help_text="Empty: the cap is for the whole offer.",
                        null=True,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="publishers.publisher",
                    ),
                ),
                (
                    "offer",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="caps",
                        to="offers.offer",
                    ),
                ),
            ],
            options={
                "ordering": ["id"],
            },
        ),
        migrations.CreateModel(
            name="OfferAccess",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "status",
                    models.CharField(
                        choices=[
                            ("pending", "Pending"),
                            ("approved", "Approved"),
                            ("rejected", "Rejected"),
                            ("blocked", "Blocked"),
                        ],
                        default="pending",
                        max_length=16,
                    ),
                ),
                (
                    "publisher_note",
                    models.TextField(
                        blank=True, max_length=2000, verbose_name="note to the network"
                    ),
                ),
                ("reason", models.TextField(blank=True, max_length=2000, verbose_name="reason")),
                ("decided_at", models.DateTimeField(blank=True, null=True)),
                ("created_at", models.DateTimeField(default=django.utils.timezone.now)),
                (
                    "decided_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "network",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="network.network",
                    ),
                ),
                (
                    "offer",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="accesses",
                        to="offers.offer",
                    ),
                ),
                (
                    "publisher",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="offer_accesses",
                        to="publishers.publisher",
                    ),
                ),
            ],
            options={
                "ordering": ["-created_at"],
            },
        ),
        migrations.AddIndex(
            model_name="offer",
            index=models.Index(
                fields=["network", "status", "visibility"], name="offers_offe_network_73afd0_idx"
            ),
        ),
        migrations.AddConstraint(
            model_name="goal",
            constraint=models.UniqueConstraint(
                condition=models.Q(("is_default", True)), fields=("offer",), name="goal_one_default"
            ),
        ),
        migrations.AddConstraint(
            model_name="goal",
            constraint=models.UniqueConstraint(
                fields=("offer", "name"), name="goal_name_per_offer"
            ),
        ),
        migrations.AddConstraint(
            model_name="offeraccess",
            constraint=models.UniqueConstraint(
                fields=("network", "offer", "publisher"), name="offer_access_once"
            ),
        ),
    ]
