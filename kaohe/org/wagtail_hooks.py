"""Admin screens for organisation data (SYS-1, SYS-2, SYS-4)."""

from django import forms
from django.urls import include, path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.panels import FieldPanel, FieldRowPanel, HelpPanel, InlinePanel, MultiFieldPanel, ObjectList
from wagtail.admin.ui.tables import BooleanColumn
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSetGroup

from kaohe.core.viewsets import ProtectedDeleteView, RuleSnippetViewSet

from . import admin_urls, admin_views, page_urls, page_views, permissions
from .forms import CadreAdminForm, MembershipAdminForm, OrgAdminForm, TeamAdminForm, UnitAdminForm
from .models import Cadre, CadrePhoto, Membership, Team, Unit, UnitKind, WorkGroup


class UnitKindViewSet(RuleSnippetViewSet):
    model = UnitKind
    rules = permissions.unit_kind_rules
    icon = "tag"
    menu_order = 100
    list_display = ["name", "sort_order"]
    search_fields = ["name"]
    panels = [FieldPanel("name"), FieldPanel("sort_order")]


class UnitDeleteView(ProtectedDeleteView):
    protected_message = _(
        "This unit has records that must stay (scored goals, for instance), so it cannot be deleted. Mark it "
        "inactive instead."
    )


class UnitViewSet(RuleSnippetViewSet):
    model = Unit
    delete_view_class = UnitDeleteView
    rules = permissions.unit_rules
    edit_view_class = page_views.UnitEditView
    icon = "site"
    menu_order = 110
    list_display = ["name", "kind", "parent", "contact_person", "contact_phone", BooleanColumn("is_active")]
    list_filter = ["kind", "is_active"]
    list_export = [
        "name",
        "short_name",
        "kind",
        "parent",
        "duties",
        "internal_organisation",
        "contact_person",
        "contact_phone",
        "contact_email",
        "address",
        "external_id",
        "is_active",
    ]
    export_filename = "units"
    search_fields = ["name", "short_name", "duties"]
    ordering = ["kind__sort_order", "sort_order", "name"]
    edit_handler = ObjectList(
        [
            MultiFieldPanel(
                [
                    FieldPanel("name"),
                    FieldPanel("short_name"),
                    FieldRowPanel([FieldPanel("kind", widget=forms.Select), FieldPanel("parent", widget=forms.Select)]),
                    FieldRowPanel([FieldPanel("sort_order"), FieldPanel("is_active")]),
                    FieldRowPanel([FieldPanel("external_id"), FieldPanel("publishes_directly")]),
                ],
                heading=_("Unit"),
            ),
            FieldPanel("duties"),
            FieldPanel("internal_organisation"),
            MultiFieldPanel(
                [
                    FieldRowPanel([FieldPanel("contact_person"), FieldPanel("contact_phone")]),
                    FieldRowPanel([FieldPanel("contact_email"), FieldPanel("address")]),
                ],
                heading=_("Contacts"),
            ),
        ],
        base_form_class=UnitAdminForm,
    )

    def get_queryset(self, request):
        return Unit.objects.select_related("kind", "parent")


class TeamViewSet(RuleSnippetViewSet):
    model = Team
    rules = permissions.team_rules
    icon = "group"
    menu_order = 120
    list_display = ["name", "unit", "team_type"]
    list_filter = ["team_type", "unit__kind"]
    list_export = ["name", "unit", "team_type", "external_id"]
    export_filename = "teams"
    search_fields = ["name", "unit__name"]
    edit_handler = ObjectList(
        [
            FieldPanel("name"),
            FieldRowPanel([FieldPanel("unit", widget=forms.Select), FieldPanel("team_type")]),
            FieldPanel("external_id"),
            InlinePanel("memberships", heading=_("Members"), label=_("member")),
        ],
        base_form_class=TeamAdminForm,
    )

    def get_queryset(self, request):
        return Team.objects.select_related("unit")


class MembershipViewSet(RuleSnippetViewSet):
    model = Membership
    rules = permissions.membership_rules
    icon = "user"
    menu_order = 130
    list_display = [
        "cadre",
        "team",
        "party_post",
        "administrative_post",
        "get_group_display",
        "departments_in_charge",
        "start_date",
        "end_date",
    ]
    list_filter = ["team__unit__kind", "team__unit"]
    list_export = [
        "cadre",
        "team",
        "party_post",
        "administrative_post",
        "get_group_display",
        "work_in_charge",
        "departments_in_charge",
        "telephone",
        "start_date",
        "end_date",
    ]
    export_filename = "memberships"
    search_fields = ["cadre__name", "team__name", "party_post", "administrative_post", "work_in_charge"]
    edit_handler = ObjectList(
        [
            FieldRowPanel([FieldPanel("team", widget=forms.Select), FieldPanel("cadre")]),
            FieldRowPanel([FieldPanel("party_post"), FieldPanel("administrative_post"), FieldPanel("post_group")]),
            FieldPanel("work_in_charge"),
            FieldPanel("departments_in_charge"),
            FieldPanel("telephone"),
            FieldRowPanel([FieldPanel("start_date"), FieldPanel("end_date")]),
            FieldPanel("external_id"),
        ],
        base_form_class=MembershipAdminForm,
    )

    def get_queryset(self, request):
        return Membership.objects.select_related("cadre", "team", "team__unit")


class CadrePhotoPanel(HelpPanel):
    """The photo the appointment forms brought in (SYS-10), if any; it is changed by importing a new form."""

    class BoundPanel(HelpPanel.BoundPanel):
        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            if self.instance.pk:
                url = reverse("org_cadre_photo", args=[self.instance.pk])
                alt = _("Photo of %(name)s") % {"name": self.instance.name}
                self.content = format_html('<img src="{}" alt="{}" style="max-height: 160px">', url, alt)

        def is_shown(self):
            return bool(self.instance.pk) and CadrePhoto.objects.filter(cadre_id=self.instance.pk).exists()


class CadreDeleteView(ProtectedDeleteView):
    protected_message = _(
        "This cadre holds seats in teams or goals, so the record cannot be deleted. Mark the cadre inactive instead."
    )


class CadreViewSet(RuleSnippetViewSet):
    model = Cadre
    delete_view_class = CadreDeleteView
    rules = permissions.cadre_rules
    icon = "user"
    menu_order = 140
    list_display = ["name", "sex", "birth_date", "unit", "position", "rank", "profession", "external_id"]
    list_filter = ["rank", "sex", "unit__kind", "is_active"]
    list_export = [
        "name",
        "sex",
        "birth_date",
        "unit",
        "position",
        "rank",
        "profession",
        "education",
        "ethnicity",
        "native_place",
        "external_id",
        "is_active",
    ]
    export_filename = "cadres"
    search_fields = ["name", "position", "profession", "external_id"]
    edit_handler = ObjectList(
        [
            FieldRowPanel([FieldPanel("name"), FieldPanel("sex"), FieldPanel("birth_date")]),
            FieldRowPanel([FieldPanel("unit", widget=forms.Select), FieldPanel("position")]),
            FieldRowPanel([FieldPanel("rank"), FieldPanel("profession"), FieldPanel("education")]),
            FieldRowPanel([FieldPanel("id_number"), FieldPanel("ethnicity"), FieldPanel("native_place")]),
            FieldRowPanel([FieldPanel("external_id"), FieldPanel("is_active")]),
            CadrePhotoPanel(heading=_("Photo")),
        ],
        base_form_class=CadreAdminForm,
    )

    def get_queryset(self, request):
        return Cadre.objects.select_related("unit")


class WorkGroupViewSet(RuleSnippetViewSet):
    model = WorkGroup
    rules = permissions.work_group_rules
    icon = "clipboard-list"
    menu_order = 150
    list_display = ["name", "kind", "year"]
    list_filter = ["kind", "year"]
    list_export = ["name", "kind", "year", "duties"]
    export_filename = "work_groups"
    search_fields = ["name", "duties"]
    edit_handler = ObjectList(
        [
            FieldPanel("name"),
            FieldRowPanel([FieldPanel("kind"), FieldPanel("year")]),
            FieldPanel("duties"),
            FieldPanel("units", widget=forms.CheckboxSelectMultiple),
            InlinePanel("members", heading=_("Members"), label=_("member")),
        ],
        base_form_class=OrgAdminForm,
    )


class OrganisationGroup(SnippetViewSetGroup):
    menu_label = _("Organisation")
    menu_icon = "site"
    menu_order = 210
    submenu_hook = "register_organisation_menu_item"
    items = (UnitKindViewSet, UnitViewSet, TeamViewSet, MembershipViewSet, CadreViewSet, WorkGroupViewSet)


register_snippet(OrganisationGroup)


@hooks.register("register_admin_urls")
def register_org_urls():
    return [
        path("org/import/", include(admin_urls, namespace="org_import")),
        path("org/page-changes/", include(page_urls, namespace="org_pages")),
        path("org/cadre/<int:pk>/photo/", admin_views.CadrePhotoView.as_view(), name="org_cadre_photo"),
    ]


class ImportMenuItem(MenuItem):
    def is_shown(self, request):
        return permissions.can_import(request.user)


@hooks.register("register_organisation_menu_item")
def register_import_menu_item():
    return ImportMenuItem(_("Import"), reverse("org_import:index"), name="org-import", icon_name="upload", order=900)


class PageChangesMenuItem(MenuItem):
    def is_shown(self, request):
        from kaohe.core.rules import is_office

        return is_office(request.user)


@hooks.register("register_organisation_menu_item")
def register_page_changes_menu_item():
    return PageChangesMenuItem(
        _("Unit page changes"), reverse("org_pages:index"), name="org-page-changes", icon_name="tick", order=910
    )


@hooks.register("register_log_actions")
def register_unit_page_actions(actions):
    actions.register_action("org.page_submit", _("Submit unit page change"), _("Unit page change submitted"))
    actions.register_action("org.page_approve", _("Approve unit page change"), _("Unit page change approved"))
    actions.register_action("org.page_reject", _("Return unit page change"), _("Unit page change returned"))
