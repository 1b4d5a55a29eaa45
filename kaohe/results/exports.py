"""Excel and PDF of the results screens (RES-4, and every table of RES-2/RES-3)."""

from __future__ import annotations

from io import BytesIO

from django.http import HttpResponse
from django.template.loader import render_to_string
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from kaohe.core.exports import xlsx_row

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def xlsx_response(title: str, headers: list[str], rows: list[list], filename: str) -> HttpResponse:
    wb = Workbook()
    ws = wb.active
    ws.title = title[:31]
    ws.append(xlsx_row(ws, [title]))
    ws["A1"].font = Font(bold=True, size=14)
    ws.append(xlsx_row(ws, headers))
    for cell in ws[2]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="DDE6F0")
        cell.alignment = Alignment(horizontal="center")
    for row in rows:
        ws.append(xlsx_row(ws, [float(v) if hasattr(v, "as_tuple") else v for v in row]))
    for index, header in enumerate(headers, start=1):
        ws.column_dimensions[get_column_letter(index)].width = max(10, min(40, len(str(header)) * 2 + 4))
    ws.freeze_panes = "A3"
    out = BytesIO()
    wb.save(out)
    response = HttpResponse(out.getvalue(), content_type=XLSX)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{filename}.xlsx"
    return response


def pdf_response(template: str, context: dict, filename: str, request=None) -> HttpResponse:
    from weasyprint import HTML

    html = render_to_string(template, context, request=request)
    pdf = HTML(string=html, base_url=request.build_absolute_uri("/") if request else None).write_pdf()
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{filename}.pdf"
    return response
