"""CSV that opens safely in any spreadsheet: one guard for every export.

What young people typed ends up in officers' spreadsheets. A cell that starts with
``=``, ``+``, ``-`` or ``@`` runs as a formula there. A cell such as ``ok;=HYPERLINK(…)``
looks harmless to a comma-separated reader, but Excel set to Polish (and other languages
that write decimals with a comma) splits CSV on ``;``, whatever the quotes say, so the
formula gets a cell of its own; a reader that splits lines does the same after a line
break. Bidirectional override characters make a cell read differently from what it holds.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Sequence

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
# A formula character at the start of what a spreadsheet may make a cell of: the start of
# the text, or after a separator (comma, semicolon, tab) or a line break, spaces allowed.
_FORMULA = re.compile(r"(^|[,;\t\r\n])(\s*[=+\-@])")
# Embeddings, overrides and isolates (U+202A–U+202E, U+2066–U+2069); the plain marks that
# Urdu text needs (U+200E, U+200F, U+061C) stay.
_BIDI_CONTROLS = re.compile("[\u202a-\u202e\u2066-\u2069]")


def safe_cell(value: object) -> object:
    """``value`` as a spreadsheet will read it: text, never a formula, nothing hidden.

    A ``'`` goes before each formula character that could start a cell; spreadsheets show
    what follows as text and hide the mark.
    """
    if not isinstance(value, str):
        return value
    text = _BIDI_CONTROLS.sub("", value)
    if text.startswith(("\t", "\r")):
        text = "'" + text
    return _FORMULA.sub(r"\1'\2", text)


def csv_text(header: Sequence[str], rows: Iterable[Sequence[object]]) -> str:
    """The header and rows as CSV, every cell through ``safe_cell``."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([safe_cell(h) for h in header])
    for row in rows:
        writer.writerow([safe_cell(v) for v in row])
    return out.getvalue()
