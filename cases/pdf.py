"""PDF rendering for official documents (WeasyPrint).

Every generated document (decision, annex, certificate, minutes, case file, report) is a Django template
extending ``documents/base_document.html`` rendered to PDF here, so the Vietnamese administrative layout,
the fonts and the page setup live in one place. Fonts come from the system (Liberation Serif, a metric
twin of Times New Roman, which official documents use; DejaVu Serif as fallback) and cover Vietnamese.
"""

from django.template.loader import render_to_string
from django.utils import translation


def render_pdf(template_name: str, context: dict | None = None, *, language: str = "vi") -> bytes:
    """Render ``template_name`` with ``context`` and return the PDF bytes.

    Documents are official Vietnamese papers, so they render in Vietnamese whatever the viewer's UI
    language is. No network access: WeasyPrint gets no base URL and the templates embed their styles.
    """
    from weasyprint import HTML  # imported lazily: loading Pango costs ~0.3 s at start-up

    with translation.override(language):
        html = render_to_string(template_name, context or {})
    return HTML(string=html, base_url=None).write_pdf()
