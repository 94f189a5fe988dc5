"""The PDF renderer: real WeasyPrint output, Vietnamese text extractable with its diacritics."""

import io

import pypdf
import pytest

from cases.pdf import render_pdf

pytest.importorskip("weasyprint")


def _text(pdf: bytes) -> str:
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    # Collapse line breaks: a long line wraps differently with each font version.
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())


def test_document_header_renders_in_vietnamese_with_diacritics():
    pdf = render_pdf(
        "documents/base_document.html",
        {
            "issuer_parent": "UBND tỉnh Bắc Ninh",
            "issuer": "UBND xã Đông Đa Sơn",
            "number": "12/QĐ-UBND",
            "place_date": "Đông Đa Sơn, ngày 20 tháng 11 năm 2026",
        },
    )
    assert pdf.startswith(b"%PDF-")
    text = _text(pdf)
    assert "12/QĐ-UBND" in text
    assert "ĐỘC LẬP" not in text  # the slogan is bold, not upper-cased
    assert "Độc lập - Tự do - Hạnh phúc" in text
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text
    assert "UBND XÃ ĐÔNG ĐA SƠN" in text
    assert "ngày 20 tháng 11 năm 2026" in text


def test_documents_render_in_vietnamese_whatever_the_active_language():
    from django.utils import translation

    with translation.override("en"):
        pdf = render_pdf("documents/base_document.html", {"issuer": "UBND", "number": "1/QĐ-UBND"})
    assert "Số: 1/QĐ-UBND" in _text(pdf)
