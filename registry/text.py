"""Vietnamese text helpers: diacritic-insensitive search keys."""

import unicodedata


def fold(text: str) -> str:
    """'Nguyễn Văn Đức' -> 'nguyen van duc'. NFD drops tone marks but not đ/Đ, so map those by hand."""
    text = (text or "").replace("đ", "d").replace("Đ", "D")
    decomposed = unicodedata.normalize("NFD", text)
    stripped = "".join(ch for ch in decomposed if unicodedata.category(ch) != "Mn")
    return " ".join(stripped.lower().split())
