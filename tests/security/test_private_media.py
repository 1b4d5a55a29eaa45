"""Issue 12 item 9: uploaded files are served only after a rights check (SUP-5, SYS-5).

nginx used to hand out all of ``/media/`` to anyone: summary documents of unsubmitted
reports, documents in private collections, abandoned import workbooks. Now only page pictures
are public; other files go through a Django view that checks the reader, which answers with
``X-Accel-Redirect`` to nginx's internal ``/protected-media/`` (production) or streams the file
(development).
"""

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse
from wagtail.documents import get_document_model
from wagtail.models import Collection, CollectionViewRestriction

from kaohe.core.roles import RoleCode
from kaohe.goals.models import ReportAttachment
from tests.goals.factories import GoalPlanFactory, ProgressReportFactory

pytestmark = pytest.mark.django_db
BYTES = b"%PDF-1.4 unsubmitted summary"


@pytest.fixture
def draft_attachment(unit):
    report = ProgressReportFactory(plan=GoalPlanFactory(unit=unit, year=2026, status="published"), submitted=False)
    attachment = ReportAttachment(report=report, title="三季度工作总结")
    attachment.file.save("summary.pdf", ContentFile(BYTES))
    return attachment


def body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def test_sup5_a_draft_report_s_document_is_its_unit_s_and_the_office_s_only(
    client, draft_attachment, make_user, unit, other_unit
):
    url = reverse("goals_admin:attachment", args=[draft_attachment.pk])
    for reader in (make_user(RoleCode.UNIT_ADMIN, unit=unit), make_user(RoleCode.OFFICE)):
        client.force_login(reader)
        response = client.get(url)
        assert response.status_code == 200 and body(response) == BYTES
    for outsider in (make_user(RoleCode.UNIT_ADMIN, unit=other_unit), make_user(RoleCode.CADRE, unit=other_unit)):
        client.force_login(outsider)
        assert client.get(url).status_code in (302, 403, 404)
    client.logout()
    response = client.get(url)
    assert response.status_code == 302 and BYTES not in body(response)


def test_sup5_report_page_links_the_checked_view_not_the_file(client, draft_attachment, make_user, unit):
    client.force_login(make_user(RoleCode.UNIT_ADMIN, unit=unit))
    page = client.get(reverse("goals_admin:report", args=[draft_attachment.report_id])).content.decode()
    assert reverse("goals_admin:attachment", args=[draft_attachment.pk]) in page
    assert draft_attachment.file.url not in page


def test_sup5_behind_nginx_the_view_hands_the_file_to_nginx(client, draft_attachment, make_user, unit, settings):
    settings.PORTAL_PRIVATE_MEDIA_ACCEL = "/protected-media/"
    client.force_login(make_user(RoleCode.UNIT_ADMIN, unit=unit))
    response = client.get(reverse("goals_admin:attachment", args=[draft_attachment.pk]))
    assert response.status_code == 200 and body(response) == b""
    assert response["X-Accel-Redirect"] == "/protected-media/" + draft_attachment.file.name
    assert response["Content-Type"] == "application/pdf"


@pytest.fixture
def private_document():
    root = Collection.get_first_root_node()
    collection = root.add_child(name="内部材料")
    CollectionViewRestriction.objects.create(collection=collection, restriction_type=CollectionViewRestriction.LOGIN)
    document = get_document_model()(title="内部通知", collection=collection)
    document.file.save("notice.pdf", ContentFile(BYTES))
    return document


def test_sys5_a_private_collection_document_needs_a_sign_in_even_behind_nginx(
    client, private_document, make_user, settings
):
    settings.PORTAL_PRIVATE_MEDIA_ACCEL = "/protected-media/"
    assert private_document.url.startswith("/documents/"), "pages link Wagtail's checked view"
    refused = client.get(private_document.url)
    assert refused.status_code == 302 and "X-Accel-Redirect" not in refused
    client.force_login(make_user(RoleCode.CADRE))
    allowed = client.get(private_document.url)
    assert allowed.status_code == 200
    assert allowed["X-Accel-Redirect"] == "/protected-media/" + private_document.file.name
