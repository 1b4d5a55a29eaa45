"""SYS-5, PORTAL-1: assessment documents and manuals, classified, listed, searched, moderated."""

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from wagtail.models import Page

from home.models import AssessmentDocumentPage, DocumentCategory, DocumentIndexPage, PortalDocument
from kaohe.core.roles import RoleCode
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db


def category(slug):
    return DocumentCategory.objects.get(slug=slug)


def add_document(title, *, slug, category_slug="kaohe-wenjian", year=2026, live=True, attachment=None, **extra):
    index = DocumentIndexPage.objects.get()
    page = AssessmentDocumentPage(
        title=title, slug=slug, category=category(category_slug), year=year, live=live, attachment=attachment, **extra
    )
    index.add_child(instance=page)
    if live:
        page.save_revision().publish()
    return page


def test_sys5_documents_are_listed_by_category_and_year(client):
    """SYS-5: the document list filters by class (考核文件/操作手册) and by year."""
    add_document("年度考核办法", slug="a", year=2026)
    add_document("系统操作手册", slug="b", category_slug="caozuo-shouce", year=2026)
    add_document("上年考核办法", slug="c", year=2025)
    manuals = client.get("/documents/", {"category": "caozuo-shouce"}).content.decode()
    assert "系统操作手册" in manuals and "年度考核办法" not in manuals
    older = client.get("/documents/", {"year": "2025"}).content.decode()
    assert "上年考核办法" in older and "系统操作手册" not in older


def test_sys5_document_list_search_finds_a_word_inside_a_title(client):
    """SYS-5/PORTAL-4: searching the documents for 考核 finds 县委组织部干部考核办法 and not a manual."""
    add_document("县委组织部干部考核办法", slug="a")
    add_document("测评账号使用说明", slug="b", category_slug="caozuo-shouce")
    html = client.get("/documents/", {"q": "考核"}).content.decode()
    assert "县委组织部干部考核办法" in html and "测评账号使用说明" not in html


def test_sys5_document_page_offers_the_file_for_download(client):
    """SYS-5: a document's page links its attachment, which downloads."""
    attachment = PortalDocument(title="考核办法全文")
    attachment.file.save("banfa.pdf", ContentFile(b"%PDF-1.4 test"), save=True)
    page = add_document("年度考核办法", slug="a", attachment=attachment, document_number="县考核办〔2026〕3号")
    html = client.get(page.url).content.decode()
    assert "县考核办〔2026〕3号" in html and attachment.url in html
    download = client.get(attachment.url)
    assert download.status_code == 200
    assert b"".join(download.streaming_content).startswith(b"%PDF")


def test_portal1_editor_draft_goes_to_the_office_for_moderation_before_it_is_public(client, make_user):
    """PORTAL-1/SYS-5: an editor's new document waits for the office's approval and is not public until then."""
    editor, office = make_user(RoleCode.EDITOR), make_user(RoleCode.OFFICE)
    index = DocumentIndexPage.objects.get()
    client.force_login(editor)
    add_url = reverse("wagtailadmin_pages:add", args=("home", "assessmentdocumentpage", index.pk))
    response = client.post(
        add_url,
        {
            "title": "关于开展年度考核工作的通知",
            "slug": "tongzhi",
            "category": category("tongzhi-gonggao").pk,
            "year": 2026,
            "document_number": "",
            "issuer": "县考核办",
            "issued_on": "",
            "summary": "部署年度考核。",
            "body": '{"blocks":[],"entityMap":{}}',
            "attachment": "",
            "action-submit": "Submit for moderation",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    page = AssessmentDocumentPage.objects.get(slug="tongzhi")
    assert not page.live
    assert page.current_workflow_state is not None
    client.logout()
    assert client.get("/documents/tongzhi/").status_code == 404
    assert "关于开展年度考核工作的通知" not in client.get("/documents/").content.decode()

    # The office approves in the workflow; then the public sees it.
    client.force_login(office)
    task_state = page.current_workflow_task_state
    approve_url = reverse("wagtailadmin_pages:workflow_action", args=(page.pk, "approve", task_state.pk))
    assert client.post(approve_url, {"comment": ""}).status_code in (200, 302)
    page.refresh_from_db()
    assert page.live
    client.logout()
    assert client.get("/documents/tongzhi/").status_code == 200


def test_portal1_editor_cannot_publish_directly(client, make_user):
    """PORTAL-1: an editor has no publish right; only the office's approval publishes."""
    editor = make_user(RoleCode.EDITOR)
    index = DocumentIndexPage.objects.get()
    from wagtail.models import Page as WagtailPage  # noqa: F401

    perms = index.permissions_for_user(editor)
    assert perms.can_add_subpage() and not perms.can_publish_subpage()
    office_perms = index.permissions_for_user(make_user(RoleCode.OFFICE))
    assert office_perms.can_publish_subpage()


def test_sys5_upload_of_a_forbidden_file_type_is_refused_with_a_message(client, editor_user):
    """SYS-5: an .exe upload is refused in the form; nothing is stored."""
    client.force_login(editor_user)
    response = client.post(
        reverse("wagtaildocs:add"),
        {"title": "病毒", "file": SimpleUploadedFile("setup.exe", b"MZ..."), "collection": 1},
    )
    assert response.status_code == 200
    assert not PortalDocument.objects.filter(title="病毒").exists()
    assert "exe" in response.content.decode()


def test_sys5_upload_larger_than_the_limit_is_refused_with_a_message(client, editor_user, settings):
    """SYS-5: a file over the size limit is refused in the form; nothing is stored."""
    settings.WAGTAILDOCS_MAX_UPLOAD_SIZE = 1024
    client.force_login(editor_user)
    from wagtail.models import Collection

    response = client.post(
        reverse("wagtaildocs:add"),
        {
            "title": "超大文件",
            "file": SimpleUploadedFile("big.pdf", b"%PDF" + b"0" * 4096),
            "collection": Collection.get_first_root_node().pk,
        },
    )
    assert response.status_code == 200
    assert not PortalDocument.objects.filter(title="超大文件").exists()


def test_portal1_site_structure_exists_after_migrate():
    """PORTAL-1: a fresh installation has the home page, the unit index and the document index."""
    assert Page.objects.type(DocumentIndexPage).live().exists()
    assert client_safe_home_url() == "/"


def client_safe_home_url():
    from wagtail.models import Site

    return Site.objects.get(is_default_site=True).root_page.url


def test_portal1_signed_in_cadre_can_sign_out(client, make_user, unit):
    """PORTAL-1: a cadre signs in on the portal's own page and signs out again."""
    cadre = make_user(RoleCode.CADRE, unit=unit)
    response = client.post(reverse("accounts:login"), {"username": cadre.username, "password": PASSWORD})
    assert response.status_code == 302
    assert client.post(reverse("accounts:logout")).status_code == 302
    assert "_auth_user_id" not in client.session
