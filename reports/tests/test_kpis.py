"""Each KPI with numbers, division by zero as None, and the one-query totals per currency."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import pytest
from django_scopes import scope

from conftest import make_world
from reports.kpis import Totals, totals
from reports.models import HourlyStat

D = Decimal


def usd(**sums) -> Totals:
    return Totals.from_sums(sums, "USD")


SAMPLE = usd(
    clicks=200,
    unique_clicks=150,
    converting_clicks=8,
    impressions=1000,
    conversions_approved=6,
    conversions_pending=3,
    conversions_rejected=2,
    conversions_reversed=1,
    sale_amount=D("600.000"),
    revenue=D("60.000"),
    payout=D("45.000"),
    pending_revenue=D("30.000"),
    pending_payout=D("22.500"),
)


def test_each_kpi_with_numbers():
    t = SAMPLE
    assert t.ctr == D("0.2000")  # 200 clicks / 1000 impressions
    assert t.conversions == 9  # approved + pending; rejected and reversed are not
    assert t.cr == D("0.0400")  # 8 converting clicks / 200 clicks (not 9 conversions)
    assert t.epc == D("0.2250")  # 45.00 payout / 200 clicks
    assert t.cpa == D("10.00")  # 60.00 revenue / 6 approved
    assert t.profit == D("15.00")
    assert t.margin == D("0.2500")  # 15 / 60
    assert t.roas == D("10.0000")  # 600 sales / 60 cost
    assert t.roi == D("9.0000")  # (600 - 60) / 60: 900 %
    assert (t.revenue, t.payout, t.pending_payout) == (D("60.00"), D("45.00"), D("22.50"))
    assert str(t.revenue) == "60.00"  # in the currency's precision


def test_ratios_round_half_even_to_four_places():
    assert usd(clicks=1, impressions=800).ctr == D("0.0012")  # 0.00125: half-even, not 0.0013
    assert usd(clicks=3, impressions=800).ctr == D("0.0038")  # 0.00375
    assert usd(converting_clicks=1, clicks=3).cr == D("0.3333")
    assert usd(converting_clicks=2, clicks=3).cr == D("0.6667")


def test_money_follows_the_currency_precision():
    yen = Totals.from_sums(
        {"clicks": 3, "conversions_approved": 3, "revenue": D("1000"), "payout": D("700")}, "JPY"
    )
    assert yen.cpa == D("333")
    assert yen.epc == D("233.33")  # two places more than the currency
    dinar = Totals.from_sums({"conversions_approved": 2, "revenue": D("1.005")}, "KWD")
    assert dinar.cpa == D("0.502")  # 0.5025, half-even
    assert dinar.revenue == D("1.005")


def test_profit_can_be_negative():
    t = usd(revenue=D("10"), payout=D("12.5"))
    assert (t.profit, t.margin) == (D("-2.50"), D("-0.2500"))


@pytest.mark.parametrize("name", ["ctr", "cr", "epc", "cpa", "margin", "roas", "roi"])
def test_division_by_zero_is_none(name):
    assert getattr(Totals.from_sums({}, "USD"), name) is None


def test_a_zero_denominator_only_blanks_its_own_kpi():
    t = usd(clicks=10, converting_clicks=2, conversions_pending=2, payout=D("5"))
    assert (t.ctr, t.cpa, t.margin, t.roas) == (None, None, None, None)
    assert (t.cr, t.epc, t.profit) == (D("0.2000"), D("0.5000"), D("-5.00"))


def test_mixed_currencies_have_no_money():
    t = Totals.from_sums({"clicks": 4, "revenue": D("5"), "payout": D("1")}, None)
    assert t.clicks == 4
    assert (t.revenue, t.payout, t.profit, t.epc, t.cpa, t.margin, t.roas, t.roi) == (None,) * 8


def test_adding_totals_sums_counts_and_money_of_one_currency():
    twice = SAMPLE + SAMPLE
    assert twice.converting_clicks == 16
    assert (twice.clicks, twice.conversions, twice.revenue) == (400, 18, D("120.00"))
    assert twice.cr == SAMPLE.cr  # ratios of the sums, not sums of ratios
    assert Totals() + SAMPLE == SAMPLE == SAMPLE + Totals()  # the empty Totals is the zero


def test_adding_two_currencies_keeps_the_counts_only():
    euros = Totals.from_sums({"clicks": 5, "revenue": D("7")}, "EUR")
    mixed = SAMPLE + euros
    assert (mixed.currency, mixed.clicks, mixed.revenue) == (None, 205, None)


@pytest.fixture
def stats(network, owner):
    world = make_world(network, owner, money=False)
    hour = datetime(2026, 3, 10, 9, tzinfo=UTC)
    common = {"network": network, "hour": hour, "publisher": world["offer_access"].publisher}
    with scope(network=network):
        for country, currency, clicks, revenue, payout in [
            ("US", "USD", 100, "30.50", "15.25"),
            ("DE", "USD", 50, "10.25", "5.10"),
            ("VN", "VND", 20, "150000", "75000"),
        ]:
            HourlyStat.objects.create(
                offer=world["offer"],
                country=country,
                currency=currency,
                clicks=clicks,
                unique_clicks=clicks // 2,
                conversions_approved=2,
                revenue=D(revenue),
                payout=D(payout),
                **common,
            )
    return network


def test_totals_is_one_query_and_refuses_to_add_currencies(stats, django_assert_num_queries):
    with scope(network=stats):
        with django_assert_num_queries(1):
            everything = totals(HourlyStat.objects.all())
        dollars = totals(HourlyStat.objects.filter(currency="USD"))
        nothing = totals(HourlyStat.objects.filter(country="FR"))
    assert (everything.clicks, everything.conversions, everything.revenue) == (170, 6, None)
    assert everything.currency is None
    assert (dollars.currency, dollars.revenue, dollars.cpa, dollars.epc) == (
        "USD",
        D("40.75"),
        D("10.19"),  # 40.75 / 4 = 10.1875
        D("0.1357"),  # 20.35 / 150
    )
    assert (nothing.clicks, nothing.cr, nothing.currency) == (0, None, None)


def test_cr_is_the_share_of_clicks_that_converted_never_above_one():
    # One click, converted on two goals: two conversions, one converting click.
    t = usd(clicks=1, unique_clicks=1, converting_clicks=1, conversions_approved=2)
    assert (t.conversions, t.cr) == (2, D("1.0000"))
