"""Spreadsheet cells from text typed by users (names, sub ids): a cell that a spreadsheet
would read as a formula (starting with = + - @, a tab or a carriage return) gets a leading
single quote. Used by every CSV/XLSX export (payment files, reports)."""

from __future__ import annotations

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: object) -> str:
    text = str(value)
    return f"'{text}" if text.startswith(FORMULA_STARTS) else text
