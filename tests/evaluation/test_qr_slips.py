"""EVAL-9: every slip carries a QR code that opens the ballot without typing; the code travels in the URL's
fragment, which browsers never send to a server, so it reaches no access log, proxy or history.
"""

import re
from urllib.parse import urlsplit

import pytest
import segno

from kaohe.evaluation import pdf, services
from kaohe.evaluation.models import EvaluatorCategory
from tests.evaluation.factories import make_task
from tests.evaluation.pdfutil import page_count

pytestmark = pytest.mark.django_db


def test_eval9_each_slip_has_a_qr_code_of_the_sign_in_address_with_the_code_in_the_fragment(settings):
    """EVAL-9: the QR code of each slip is exactly the sign-in address + ``#`` + that slip's code: no query
    string, no path part that a server would log.
    """
    settings.WAGTAILADMIN_BASE_URL = "https://kaohe.example.gov.cn"
    task = make_task()
    issued = services.accounts_generate(task=task, category=EvaluatorCategory.objects.get(name="分管领导"), count=3)
    context = pdf.slips_context(task, issued)
    for item in issued:
        link = pdf.slip_link(item.grouped_code)
        parts = urlsplit(link)
        assert (parts.path, parts.query, parts.fragment) == ("/ceping/", "", item.grouped_code)
        assert item.code not in parts.path + parts.query
        expected = segno.make_qr(f"https://kaohe.example.gov.cn/ceping/#{item.grouped_code}", error="m")
        assert item.qr == expected.png_data_uri(scale=8, border=0)
    assert len({item.qr for item in issued}) == 3 and context["pages"]


def test_eval9_the_slips_pdf_prints_a_qr_image_and_the_typed_code_on_every_slip(client, office_user):
    """EVAL-9, EVAL-2: 12 slips print on two pages with 12 QR images; the code stays printed for people who type
    (it is in the slip's HTML next to the image).
    """
    from django.template.loader import render_to_string

    task = make_task()
    category = EvaluatorCategory.objects.get(name="分管领导")
    issued = services.accounts_generate(task=task, category=category, count=12)
    context = pdf.slips_context(task, issued)
    html = render_to_string("evaluation/pdf/slips.html", context)
    for item in issued:
        assert item.grouped_code in html
    assert html.count('class="qr"') == 12 and "用手机扫描" in html
    data = pdf.render_pdf("evaluation/pdf/slips.html", context)
    assert page_count(data) == 2
    assert len(re.findall(rb"/Subtype\s*/Image", data)) >= 1
