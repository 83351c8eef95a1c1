"""Reading a gettext catalog (.po) in the translation tests (test_i18n.py, test_i18n_allauth.py)."""

from __future__ import annotations

import ast
import re
from pathlib import Path


def parse_po(path: Path) -> list[dict]:
    """msgctxt, msgid, msgid_plural, msgstr(s) and flags (every `#,` line) of each entry of a
    .po file (not the obsolete ones)."""
    entries: list[dict] = []
    entry: dict | None = None
    key = ""
    for line in [*path.read_text(encoding="utf-8").splitlines(), ""]:
        if not line.strip() or line.startswith("#~"):
            if entry is not None and not line.strip():
                entries.append(entry)
                entry = None
            continue
        # A comment, msgctxt or msgid right after a translation starts the next entry, blank
        # line or not (msgfmt reads it so; git's union merge of two appended blocks writes it).
        starts_entry = line.startswith(("#", "msgctxt ", "msgid "))
        if entry is not None and entry["msgstr"] and starts_entry:
            entries.append(entry)
            entry = None
        if entry is None:
            entry = {"msgctxt": None, "msgid": "", "plural": None, "msgstr": {}, "flags": ""}
        if line.startswith("#"):
            entry["flags"] += line if line.startswith("#,") else ""
            continue
        found = re.match(r'^(msgctxt|msgid|msgid_plural|msgstr(?:\[(\d+)\])?) (".*")$', line)
        if found:
            key, value = found.group(1), ast.literal_eval(found.group(3))
        else:
            value = ast.literal_eval(line)
        if key == "msgstr" or key.startswith("msgstr["):
            index = int(key[7:-1]) if "[" in key else 0
            entry["msgstr"][index] = entry["msgstr"].get(index, "") + value
        else:
            field = {"msgid_plural": "plural"}.get(key, key)
            entry[field] = (entry[field] or "") + value
    return [e for e in entries if e["msgid"]]
