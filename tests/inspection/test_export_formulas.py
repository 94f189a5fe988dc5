"""An officer's reason typed as a formula comes out of the inspectors' audit export as inert text."""

import csv
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from audit.services import record_event

REASONS = ['=HYPERLINK("http://evil.example","Xem")', "+1", "-1", "@x", "\t=1+1", "\r=1+1"]


@pytest.fixture
def hostile_events(world, revoked):
    for reason in REASONS:
        record_event(
            revoked.stream,
            "case.note",
            actor=world.user("officer_a1"),
            reason=reason,
            scope=revoked.unit.path,
        )
    return revoked


def test_csv_export_reasons_are_not_formulas(client, world, hostile_events):
    client.login(username="inspector", password="pw")
    response = client.get(reverse("inspection:export", args=["csv"]), {"reference": hostile_events.reference})
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"), newline="")))
    reasons = [row[8] for row in rows[1:]]
    for reason in REASONS:
        assert f"'{reason}" in reasons
    assert "Hậu kiểm phát hiện sai lệch" in reasons  # ordinary text untouched
    assert not any(field[:1] in "=+-@\t\r" and field for row in rows for field in row if field)


def test_xlsx_export_reasons_are_text_cells(client, world, hostile_events):
    client.login(username="inspector", password="pw")
    response = client.get(
        reverse("inspection:export", args=["xlsx"]), {"reference": hostile_events.reference}
    )
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    cells = {cell.value: cell for cell in list(sheet.columns)[8] if cell.value}
    for reason in REASONS:
        cell = next(c for text, c in cells.items() if text.strip() == reason.strip())
        assert cell.data_type == "s" and cell.quotePrefix
    for row in sheet.iter_rows():
        assert all(cell.data_type != "f" for cell in row)
