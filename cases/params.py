"""Raw URL and POST parameters that name a row or a number: ASCII digits only, and few enough of them.

str.isdigit() is true for "²" or "١٢٣" (which int() rejects or reads), and int() reads any number of digits,
which the database then cannot hold: both were 500s. Everything a view reads from request.GET/POST outside
a form goes through here.
"""

MAX_DIGITS = 18  # below 2**63: every integer column and primary key holds it


def ascii_int(raw, *, max_digits: int = MAX_DIGITS) -> int | None:
    """The integer `raw` spells in ASCII digits, or None for anything else (signs, spaces, other scripts)."""
    if not isinstance(raw, str) or not raw or len(raw) > max_digits or not raw.isascii() or not raw.isdigit():
        return None
    return int(raw)


def ascii_ints(values, *, limit: int) -> list[int]:
    """The valid ids among `values` (e.g. request.POST.getlist("task")), at most `limit` of them."""
    ids = []
    for raw in values:
        value = ascii_int(raw)
        if value is not None:
            ids.append(value)
            if len(ids) >= limit:
                break
    return ids
