"""Country of a visitor: a MaxMind-format database when GEOIP_PATH is set, else (or when the
database does not know the address) the country header of a trusted proxy, when
GEOIP_COUNTRY_HEADER names one (e.g. Cloudflare's "CF-IPCountry" -> "HTTP_CF_IPCOUNTRY").

The database is opened once per process (memory-mapped, shared by threads); a missing or
corrupt file is logged once and the lookup falls back to the header. Countries are ISO 3166
alpha-2, upper case, or "" when unknown.
"""

from __future__ import annotations

import logging
import re
import threading
from typing import Any

import maxminddb
from django.conf import settings

logger = logging.getLogger(__name__)

_COUNTRY = re.compile(r"[A-Z]{2}")
# Not countries: Cloudflare's unknown and Tor, MaxMind's legacy continent-level codes.
_NOT_COUNTRIES = frozenset({"XX", "ZZ", "EU", "AP"})

_lock = threading.Lock()
_reader: Any = None
_reader_path: str | None = None  # the GEOIP_PATH _reader belongs to (None: not opened yet)


def country_of(ip: str | None, meta: dict) -> str:
    """ISO alpha-2 country of `ip` (database) or of the request (trusted header), or ""."""
    reader = _database()
    if reader is not None and ip:
        code = _from_record(_lookup(reader, ip))
        if code:
            return code
    header = settings.GEOIP_COUNTRY_HEADER
    if header and meta:
        return _clean(meta.get(_meta_key(header)))
    return ""


def _database() -> Any:
    """The reader for settings.GEOIP_PATH, opened on first use; None when unset or unusable."""
    global _reader, _reader_path
    path = str(settings.GEOIP_PATH or "")
    if not path:
        return None
    if _reader_path == path:
        return _reader
    with _lock:
        if _reader_path != path:
            try:
                reader = maxminddb.open_database(path, maxminddb.MODE_AUTO)
            except (OSError, ValueError, maxminddb.InvalidDatabaseError) as exc:
                # Logged once per process and path: a click must never fail for lack of GeoIP.
                logger.error(
                    "GeoIP database %s cannot be opened (%s); using headers only", path, exc
                )
                reader = None
            old, _reader, _reader_path = _reader, reader, path
            if old is not None:
                old.close()
    return _reader


def _lookup(reader: Any, ip: str) -> Any:
    try:
        return reader.get(ip)
    except ValueError:
        # Not an IP address, or IPv6 in an IPv4-only database.
        return None
    except maxminddb.InvalidDatabaseError:
        logger.warning("GeoIP database is corrupt near %s", ip)
        return None


def _from_record(record: Any) -> str:
    """["country"]["iso_code"] of a GeoIP2/GeoLite2 Country or City record."""
    if not isinstance(record, dict):
        return ""
    country = record.get("country")
    if not isinstance(country, dict):
        return ""
    return _clean(country.get("iso_code"))


def _clean(value: Any) -> str:
    if not isinstance(value, str):
        return ""
    code = value.strip().upper()
    if not _COUNTRY.fullmatch(code) or code in _NOT_COUNTRIES:
        return ""
    return code


def _meta_key(header: str) -> str:
    """Accept the request.META name ("HTTP_CF_IPCOUNTRY") or the header's ("CF-IPCountry")."""
    key = header.strip().upper().replace("-", "_")
    return key if key.startswith("HTTP_") else f"HTTP_{key}"
