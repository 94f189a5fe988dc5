"""Building household import files in memory."""

import csv
import io

from openpyxl import Workbook

HEADER = ["Mã hộ", "Mã thôn", "Họ và tên", "Năm sinh", "Quan hệ với chủ hộ", "Địa chỉ"]
MEMBERS = [("Chủ hộ", 1970), ("Vợ/chồng", 1972), ("Con", 2001), ("Con", 2005)]


def household_rows(villages: list[str], households: int, prefix: str = "HK") -> list[list]:
    """Four rows per household (head, spouse, two children), villages taken in turn."""
    rows = []
    for h in range(households):
        village = villages[h % len(villages)]
        for m, (relation, year) in enumerate(MEMBERS):
            address = f"Số {h} đường Làng" if m == 0 else ""
            rows.append([f"{prefix}{h:06d}", village, f"Nguyễn Văn {h}-{m}", year, relation, address])
    return rows


def xlsx_bytes(rows: list[list], header=HEADER) -> bytes:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet()
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def csv_bytes(rows: list[list], header=HEADER, delimiter=";") -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter)
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue().encode("utf-8-sig")


def sheet_bytes(header: list[str], rows: list[list], fmt: str = "xlsx") -> bytes:
    """A file of any import kind, as .xlsx or as a semicolon CSV."""
    return xlsx_bytes(rows, header=header) if fmt == "xlsx" else csv_bytes(rows, header=header)


# the headers of the clan and organisation templates, as an officer sees them
CLAN_HEADER = [
    "Mã dòng họ",
    "Tên dòng họ",
    "Mã xã",
    "Trưởng ban khuyến học dòng họ",
    "Địa chỉ",
    "Mã các hộ thành viên",
]
ORG_HEADER = [
    "Mã đơn vị",
    "Tên cơ quan, đơn vị",
    "Mã xã",
    "Loại hình",
    "Số cán bộ, người lao động",
    "Địa chỉ",
]
