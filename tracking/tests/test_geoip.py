from __future__ import annotations

import logging
from pathlib import Path

import maxminddb
import pytest
from mmdb_writer import MMDBWriter
from netaddr import IPSet

from lib import geoip

COUNTRIES = {
    "81.2.69.0/24": "GB",
    "2001:db8:1::/48": "DE",
    "203.0.113.0/24": "us",  # lower case in the database: read as "US"
    "198.51.100.0/24": "XX",
}


def write_country_db(
    path: Path,
    countries: dict[str, str] = COUNTRIES,
    *,
    city: bool = False,
    ipv6: bool = True,
) -> Path:
    """A small MaxMind DB in the GeoLite2 Country (or City) record layout."""
    writer = MMDBWriter(
        ip_version=6 if ipv6 else 4,
        ipv4_compatible=ipv6,
        database_type="GeoLite2-City" if city else "GeoLite2-Country",
        languages=["en"],
        description="test",
    )
    for cidr, code in countries.items():
        record: dict = {
            "continent": {"code": "EU"},
            "country": {"iso_code": code, "names": {"en": code}},
            "registered_country": {"iso_code": code},
        }
        if city:
            record["city"] = {"names": {"en": "Somewhere"}}
            record["location"] = {"time_zone": "Europe/London"}
        writer.insert_network(IPSet([cidr]), record)
    writer.to_db_file(str(path))
    return path


def forget_reader(monkeypatch):
    """For a fixture to `yield from`: the test opens its own database, as a new process would,
    and it is closed after the test."""
    monkeypatch.setattr(geoip, "_reader", None)
    monkeypatch.setattr(geoip, "_reader_path", None)
    yield
    if geoip._reader is not None:
        geoip._reader.close()


@pytest.fixture(autouse=True)
def fresh_reader(monkeypatch):
    yield from forget_reader(monkeypatch)


@pytest.fixture
def country_db(settings, tmp_path):
    settings.GEOIP_PATH = str(write_country_db(tmp_path / "country.mmdb"))
    settings.GEOIP_COUNTRY_HEADER = ""
    return settings.GEOIP_PATH


@pytest.mark.parametrize(
    ("ip", "country"),
    [
        ("81.2.69.160", "GB"),
        ("2001:db8:1::42", "DE"),
        ("203.0.113.9", "US"),
        ("198.51.100.1", ""),  # "XX" is not a country
        ("192.0.2.1", ""),  # not in the database
        ("2001:db8:2::1", ""),
        ("not-an-ip", ""),
        ("", ""),
        (None, ""),
    ],
)
def test_it_looks_up_ipv4_and_ipv6_in_a_country_db(country_db, ip, country):
    assert geoip.country_of(ip, {}) == country


def test_it_reads_a_city_db(settings, tmp_path):
    settings.GEOIP_PATH = str(write_country_db(tmp_path / "city.mmdb", city=True))
    assert geoip.country_of("81.2.69.160", {}) == "GB"
    assert geoip.country_of("2001:db8:1::1", {}) == "DE"


def test_an_ipv6_address_in_an_ipv4_only_db_is_unknown(settings, tmp_path):
    path = write_country_db(tmp_path / "v4.mmdb", {"81.2.69.0/24": "GB"}, ipv6=False)
    settings.GEOIP_PATH = str(path)
    assert geoip.country_of("81.2.69.160", {}) == "GB"
    assert geoip.country_of("2001:db8:1::1", {}) == ""


def test_a_record_without_country_is_unknown(settings, tmp_path):
    writer = MMDBWriter(ip_version=6, ipv4_compatible=True, database_type="GeoLite2-Country")
    writer.insert_network(IPSet(["81.2.69.0/24"]), {"registered_country": {"iso_code": "GB"}})
    writer.insert_network(IPSet(["81.2.70.0/24"]), "GB")
    writer.to_db_file(str(tmp_path / "odd.mmdb"))
    settings.GEOIP_PATH = str(tmp_path / "odd.mmdb")
    assert geoip.country_of("81.2.69.1", {}) == ""
    assert geoip.country_of("81.2.70.1", {}) == ""


def test_it_opens_the_database_once(country_db, monkeypatch):
    calls = []
    real_open = maxminddb.open_database

    def counting_open(*args, **kwargs):
        calls.append(args)
        return real_open(*args, **kwargs)

    monkeypatch.setattr(maxminddb, "open_database", counting_open)
    for _ in range(3):
        assert geoip.country_of("81.2.69.160", {}) == "GB"
    assert calls == [(country_db, maxminddb.MODE_AUTO)]


@pytest.mark.parametrize("content", [None, b"not a maxmind database" * 10])
def test_a_missing_or_corrupt_db_logs_once_and_falls_back(settings, tmp_path, caplog, content):
    path = tmp_path / "GeoLite2-Country.mmdb"
    if content is not None:
        path.write_bytes(content)
    settings.GEOIP_PATH = str(path)
    settings.GEOIP_COUNTRY_HEADER = "HTTP_CF_IPCOUNTRY"
    meta = {"HTTP_CF_IPCOUNTRY": "FR"}
    with caplog.at_level(logging.ERROR, logger="lib.geoip"):
        assert geoip.country_of("81.2.69.160", meta) == "FR"
        assert geoip.country_of("81.2.69.160", meta) == "FR"
        assert geoip.country_of("81.2.69.160", {}) == ""
    assert len(caplog.records) == 1
    assert str(path) in caplog.records[0].getMessage()


def test_the_header_fills_in_what_the_db_does_not_know(country_db, settings):
    settings.GEOIP_COUNTRY_HEADER = "HTTP_CF_IPCOUNTRY"
    meta = {"HTTP_CF_IPCOUNTRY": "FR"}
    assert geoip.country_of("81.2.69.160", meta) == "GB"
    assert geoip.country_of("192.0.2.1", meta) == "FR"


def test_the_header_is_ignored_unless_configured(settings):
    settings.GEOIP_PATH = ""
    settings.GEOIP_COUNTRY_HEADER = ""
    assert geoip.country_of("81.2.69.160", {"HTTP_CF_IPCOUNTRY": "FR"}) == ""


@pytest.mark.parametrize(
    ("value", "country"),
    [
        ("FR", "FR"),
        ("fr", "FR"),
        (" de ", "DE"),
        ("XX", ""),  # Cloudflare: unknown
        ("T1", ""),  # Cloudflare: Tor
        ("USA", ""),
        ("F", ""),
        ("1A", ""),
        ("", ""),
        (None, ""),
    ],
)
def test_it_trusts_a_configured_header_with_a_valid_code(settings, value, country):
    settings.GEOIP_PATH = ""
    settings.GEOIP_COUNTRY_HEADER = "HTTP_CF_IPCOUNTRY"
    meta = {} if value is None else {"HTTP_CF_IPCOUNTRY": value}
    assert geoip.country_of("81.2.69.160", meta) == country


@pytest.mark.parametrize("name", ["HTTP_CF_IPCOUNTRY", "CF-IPCountry", "cf-ipcountry"])
def test_the_header_may_be_named_as_sent_or_as_in_meta(settings, name):
    settings.GEOIP_PATH = ""
    settings.GEOIP_COUNTRY_HEADER = name
    assert geoip.country_of(None, {"HTTP_CF_IPCOUNTRY": "NL"}) == "NL"
