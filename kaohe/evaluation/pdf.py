"""PDF documents of the evaluation, made with WeasyPrint: account slips, paper ballots, results.

The Chinese font is Noto Sans CJK SC (Debian's ``fonts-noto-cjk``); WeasyPrint
embeds the glyphs used, so the files print the same anywhere.
"""

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone

from .services import IssuedAccount


def render_pdf(template_name: str, context: dict) -> bytes:
    from weasyprint import HTML

    html = render_to_string(template_name, context)
    return HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf()


def _render_document(template_name: str, context: dict):
    from weasyprint import HTML

    return HTML(string=render_to_string(template_name, context), base_url=str(settings.BASE_DIR)).render()


def sign_in_url() -> str:
    base = getattr(settings, "WAGTAILADMIN_BASE_URL", "").rstrip("/")
    return f"{base}/ceping/"


SLIPS_PER_PAGE = 10
SLIP_WIDTH_MM = 97
SLIP_HEIGHT_MM = 55.4


def slip_pages(issued: list[IssuedAccount]) -> list[list[IssuedAccount]]:
    """Slips in pages of two columns and five rows, each with its place on the page.

    Placing each slip absolutely spares WeasyPrint the flow layout of
    thousands of floats: 3,000 slips print in well under a minute.
    """
    pages = []
    for start in range(0, len(issued), SLIPS_PER_PAGE):
        page = issued[start : start + SLIPS_PER_PAGE]
        for position, item in enumerate(page):
            item.left = SLIP_WIDTH_MM * (position % 2)
            item.top = round(SLIP_HEIGHT_MM * (position // 2), 1)
        pages.append(page)
    return pages


def slip_link(code: str) -> str:
    """The address a slip's QR code opens: the sign-in page with the code in the fragment (EVAL-9).

    A browser never sends the fragment to a server, so the code reaches no
    access log or proxy; the page's script posts it and removes it from the
    address bar and the history (``evaluation/sign_in.js``).
    """
    return f"{sign_in_url()}#{code}"


def slip_qr(code: str) -> str:
    """A QR code of ``slip_link(code)`` as a PNG data URI, for the slip (segno: pure Python)."""
    import segno

    return segno.make_qr(slip_link(code), error="m").png_data_uri(scale=8, border=0)


def slips_context(task, issued: list[IssuedAccount]) -> dict:
    for item in issued:
        item.qr = slip_qr(item.grouped_code)
    return {
        "task": task,
        "pages": slip_pages(issued),
        "sign_in_url": sign_in_url(),
        "starts": timezone.localtime(task.starts_at),
        "ends": timezone.localtime(task.ends_at),
    }


def slips_pdf(task, issued: list[IssuedAccount]) -> bytes:
    """Cut-out slips, ten to an A4 page: task, category, address, code, QR code, number, validity, instructions
    (EVAL-2, EVAL-9)."""
    return render_pdf("evaluation/pdf/slips.html", slips_context(task, issued))


SLIPS_PER_CHUNK = 20 * SLIPS_PER_PAGE  # twenty whole pages laid out at a time


def slips_pdf_in_chunks(task, issued: list[IssuedAccount], progress=None) -> bytes:
    """The same PDF as ``slips_pdf``, laid out twenty pages at a time (EVAL-9).

    ``progress(done)`` is called after each chunk with the number of slips laid
    out so far, so a background job can show how far it has got. The pages of
    every chunk are then written as one document.
    """
    documents = []
    for start in range(0, len(issued), SLIPS_PER_CHUNK):
        chunk = issued[start : start + SLIPS_PER_CHUNK]
        documents.append(_render_document("evaluation/pdf/slips.html", slips_context(task, chunk)))
        if progress is not None:
            progress(start + len(chunk))
    pages = [page for document in documents for page in document.pages]
    return documents[0].copy(pages).write_pdf()
