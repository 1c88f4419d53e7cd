"""The certificate as a PDF in Uzbek and Russian, made with fpdf2 and segno.

Pure Python, no system libraries: the DejaVu Sans font ships in `learning/fonts/`
(its licence beside it) because the PDF core fonts cannot write Cyrillic or the
Uzbek letters ʻ and ʼ. The QR code is drawn as vector squares, so it stays sharp
when printed. Both languages are always on the page, whatever the interface language:
a certificate is shown to employers and inspectors who may read either.
"""

import logging
from decimal import Decimal
from pathlib import Path

import segno
from django.utils import translation
from fpdf import FPDF

from core import dates

from .models import Certificate

# fontTools logs every glyph subset at INFO; that is noise in the server's log.
logging.getLogger("fontTools").setLevel(logging.WARNING)

FONT_DIR = Path(__file__).resolve().parent / "fonts"
FONT = "DejaVu"
BRAND = (11, 94, 74)


def _hours(value: Decimal) -> str:
    return f"{value.normalize():f}".replace(".", ",")


def _issued(day, language: str) -> str:
    with translation.override(language):
        return dates.full_date(day)


def certificate_texts(*, certificate: Certificate, verify_url: str) -> dict:
    """The lines of the certificate in both languages (also used by tests)."""
    day = certificate.issued_on
    hours = _hours(certificate.cpd_hours)
    return {
        "uz": [
            ("title", "SERTIFIKAT"),
            ("name", certificate.holder_name),
            ("text", f"«{certificate.program_title}» oʻquv dasturini tamomladi."),
            ("text", f"Uzluksiz kasbiy rivojlanish soatlari: {hours}"),
            ("text", f"Sana: {_issued(day, 'uz')}"),
        ],
        "ru": [
            ("title", "СЕРТИФИКАТ"),
            ("name", certificate.holder_name),
            ("text", f"завершил(а) учебную программу «{certificate.program_title}»."),
            ("text", f"Часы непрерывного профессионального развития: {hours}"),
            ("text", f"Дата: {_issued(day, 'ru')}"),
        ],
        "code": f"Sertifikat raqami / Номер сертификата: {certificate.code}",
        "verify": f"Tekshirish / Проверка: {verify_url}",
    }


def _qr_draw(pdf: FPDF, *, url: str, x: float, y: float, size: float) -> None:
    qr = segno.make(url, error="m")
    matrix = qr.matrix
    quiet = 2
    cell = size / (len(matrix) + 2 * quiet)
    pdf.set_fill_color(0, 0, 0)
    for row_number, row in enumerate(matrix):
        for column_number, dark in enumerate(row):
            if dark:
                pdf.rect(
                    x + (column_number + quiet) * cell,
                    y + (row_number + quiet) * cell,
                    cell,
                    cell,
                    style="F",
                )


def certificate_pdf(*, certificate: Certificate, verify_url: str) -> bytes:
    """Render the certificate: Uzbek on the left, Russian on the right, the code, the
    verification address and its QR code at the bottom. A4 landscape."""
    texts = certificate_texts(certificate=certificate, verify_url=verify_url)
    pdf = FPDF(orientation="L", unit="mm", format="A4")
    pdf.set_title(f"Sertifikat {certificate.code}")
    pdf.set_author("Koʻmak")
    pdf.set_auto_page_break(auto=False)
    pdf.add_font(FONT, "", str(FONT_DIR / "DejaVuSans.ttf"))
    pdf.add_font(FONT, "B", str(FONT_DIR / "DejaVuSans-Bold.ttf"))
    pdf.add_page()
    pdf.set_draw_color(*BRAND)
    pdf.set_line_width(1.5)
    pdf.rect(10, 10, 277, 190)
    pdf.set_text_color(*BRAND)
    pdf.set_font(FONT, "B", 16)
    pdf.set_xy(20, 18)
    pdf.cell(257, 10, "Koʻmak", align="C")
    for column, language in ((20, "uz"), (152, "ru")):
        pdf.set_xy(column, 40)
        for kind, line in texts[language]:
            pdf.set_x(column)
            if kind == "title":
                pdf.set_text_color(*BRAND)
                pdf.set_font(FONT, "B", 24)
                pdf.multi_cell(125, 14, line, align="C")
                pdf.ln(4)
            elif kind == "name":
                pdf.set_text_color(0, 0, 0)
                pdf.set_font(FONT, "B", 18)
                pdf.multi_cell(125, 10, line, align="C")
                pdf.ln(3)
            else:
                pdf.set_text_color(0, 0, 0)
                pdf.set_font(FONT, "", 12)
                pdf.multi_cell(125, 7, line, align="C")
                pdf.ln(2)
    pdf.set_text_color(0, 0, 0)
    pdf.set_font(FONT, "", 11)
    pdf.set_xy(20, 160)
    pdf.multi_cell(215, 7, texts["code"])
    pdf.set_x(20)
    pdf.multi_cell(215, 7, texts["verify"])
    _qr_draw(pdf, url=verify_url, x=245, y=158, size=36)
    return bytes(pdf.output())
