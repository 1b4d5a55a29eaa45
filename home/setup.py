"""First-time set-up of the portal's pages, moderation and editors' rights.

Runs after every ``migrate`` and only creates what is missing, so it is safe
on a live site: once the pages exist, editors own them. Stored text is
Chinese because it is content, not interface.
"""

from django.contrib.auth.models import Permission
from django.db import transaction

from kaohe.accounts.models import Role
from kaohe.core.roles import RoleCode

PAGE_PERMISSIONS = {
    RoleCode.OFFICE: ["add_page", "change_page", "publish_page", "lock_page", "unlock_page", "bulk_delete_page"],
    RoleCode.EDITOR: ["add_page", "change_page"],
}
# Wagtail checks document rights against its base Document model, even with our
# custom document model.
COLLECTION_PERMISSIONS = {
    RoleCode.OFFICE: [
        ("wagtaildocs", "add_document"),
        ("wagtaildocs", "change_document"),
        ("wagtaildocs", "delete_document"),
        ("wagtaildocs", "choose_document"),
        ("wagtailimages", "add_image"),
        ("wagtailimages", "change_image"),
        ("wagtailimages", "choose_image"),
    ],
    RoleCode.EDITOR: [
        ("wagtaildocs", "add_document"),
        ("wagtaildocs", "change_document"),
        ("wagtaildocs", "choose_document"),
        ("wagtailimages", "add_image"),
        ("wagtailimages", "change_image"),
        ("wagtailimages", "choose_image"),
    ],
}
DEFAULT_CATEGORIES = [("考核文件", "kaohe-wenjian"), ("操作手册", "caozuo-shouce"), ("通知公告", "tongzhi-gonggao")]


def ensure_portal_setup(sender=None, **kwargs):
    from wagtail.models import Page, Site

    from .models import DocumentCategory, DocumentIndexPage, HomePage, UnitIndexPage

    with transaction.atomic():
        home = HomePage.objects.first()
        if home is None:
            home = _create_home_page(Page, Site, HomePage)
            _grant_editorial_rights(home)
            _set_up_moderation()
        if not UnitIndexPage.objects.exists():
            home.add_child(
                instance=UnitIndexPage(
                    title="单位之窗",
                    slug="units",
                    intro="全县各单位的职责、内设机构、联系方式和领导班子分工。",
                    show_in_menus=True,
                )
            )
        if not DocumentIndexPage.objects.exists():
            home.add_child(
                instance=DocumentIndexPage(
                    title="考核文件",
                    slug="documents",
                    intro="考核办法、实施细则、操作手册和通知公告。",
                    show_in_menus=True,
                )
            )
        if not DocumentCategory.objects.exists():
            for order, (name, slug) in enumerate(DEFAULT_CATEGORIES):
                DocumentCategory.objects.create(name=name, slug=slug, sort_order=order)


def _create_home_page(Page, Site, HomePage):
    root = Page.get_first_root_node()
    if root is None:
        # A flushed database (transactional tests) has lost what Wagtail's
        # migrations created: the default locale and the tree's root.
        from django.conf import settings
        from wagtail.coreutils import get_supported_content_language_variant
        from wagtail.models import Locale

        Locale.objects.get_or_create(language_code=get_supported_content_language_variant(settings.LANGUAGE_CODE))
        root = Page.add_root(instance=Page(title="Root", slug="root", draft_title="Root"))
    # Wagtail's own "Welcome" page is replaced by ours.
    for welcome in root.get_children().filter(content_type__app_label="wagtailcore", content_type__model="page"):
        welcome.delete()
    root.refresh_from_db()
    home = root.add_child(
        instance=HomePage(
            title="县领导班子和领导干部考核与管理信息系统",
            slug="home",
            intro="工作目标公开、进展接受监督、网上综合测评、年度考核结果，一站办理。",
        )
    )
    site = Site.objects.filter(is_default_site=True).first()
    if site is None:
        Site.objects.create(
            hostname="localhost", port=80, root_page=home, is_default_site=True, site_name="考核管理信息系统"
        )
    else:
        site.root_page = home
        site.save()
    return home


def _grant_editorial_rights(home):
    from wagtail.models import Collection, GroupCollectionPermission, GroupPagePermission

    root_collection = Collection.get_first_root_node() or Collection.add_root(name="Root")
    for role in Role.objects.select_related("group").filter(code__in=PAGE_PERMISSIONS):
        for codename in PAGE_PERMISSIONS[role.code]:
            permission = Permission.objects.filter(content_type__app_label="wagtailcore", codename=codename).first()
            if permission:
                GroupPagePermission.objects.get_or_create(group=role.group, page=home, permission=permission)
        for app_label, codename in COLLECTION_PERMISSIONS[role.code]:
            permission = Permission.objects.filter(content_type__app_label=app_label, codename=codename).first()
            if permission:
                GroupCollectionPermission.objects.get_or_create(
                    group=role.group, collection=root_collection, permission=permission
                )


def _set_up_moderation():
    """Drafts of editors go to the assessment office for approval before publishing."""
    from django.contrib.auth.models import Group
    from wagtail.models import GroupApprovalTask, Page, Workflow, WorkflowPage, WorkflowTask

    office = Role.objects.select_related("group").filter(code=RoleCode.OFFICE).first()
    if office is None:
        return
    task, _ = GroupApprovalTask.objects.get_or_create(name="考核办审核")
    task.groups.set([office.group])
    workflow, _ = Workflow.objects.get_or_create(name="门户内容审核")
    WorkflowTask.objects.get_or_create(workflow=workflow, task=task, defaults={"sort_order": 0})
    root = Page.get_first_root_node()
    if root is None:
        return
    WorkflowPage.objects.update_or_create(page=root, defaults={"workflow": workflow})
    # Wagtail's English sample groups would only confuse role assignment.
    for name in ("Moderators", "Editors"):
        Group.objects.filter(name=name, user__isnull=True).delete()
    Workflow.objects.filter(name="Moderators approval").update(active=False)
