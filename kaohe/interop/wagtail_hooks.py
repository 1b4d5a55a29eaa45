"""Admin screens: API clients (key shown once, revocable) and the exchange log (SYS-3, SYS-8)."""

import django_filters
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.template.defaultfilters import linebreaksbr
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView
from wagtail import hooks
from wagtail.admin import messages
from wagtail.admin.filters import DateRangePickerWidget, WagtailFilterSet
from wagtail.admin.menu import MenuItem
from wagtail.admin.panels import FieldPanel, ObjectList
from wagtail.admin.ui.menus import MenuItem as ListingMenuItem
from wagtail.admin.ui.tables import BooleanColumn, Column, DateColumn
from wagtail.admin.views.generic.base import BaseObjectMixin, WagtailAdminTemplateMixin
from wagtail.admin.widgets.button import HeaderButton
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views import snippets as snippet_views
from wagtail.snippets.views.snippets import SnippetViewSetGroup

from kaohe.core.viewsets import RuleIndexView, RuleSnippetViewSet

from . import permissions
from .forms import ApiClientForm
from .models import ApiClient, ExchangeRecord
from .services import api_client_create, api_client_revoke


class ApiClientFilterSet(WagtailFilterSet):
    active = django_filters.BooleanFilter(label=_("Key in force"), field_name="revoked_at", lookup_expr="isnull")

    class Meta:
        model = ApiClient
        fields = ["active"]


def _revoke_url_name(view) -> str:
    return view.index_url_name.rsplit(":", 1)[0] + ":revoke"


class ApiClientIndexView(RuleIndexView):
    def get_list_more_buttons(self, instance):
        buttons = super().get_list_more_buttons(instance)
        if not instance.is_revoked and self.permission_policy.user_has_permission_for_instance(
            self.request.user, "change", instance
        ):
            buttons.append(
                ListingMenuItem(
                    _("Revoke key"),
                    url=reverse(_revoke_url_name(self), args=[instance.pk]),
                    icon_name="lock",
                    priority=25,
                )
            )
        return buttons


class ApiClientCreateView(snippet_views.CreateView):
    """Creates the client and shows its key on this one page, never again."""

    def save_instance(self):
        data = self.form.cleaned_data
        client, self.api_key = api_client_create(
            name=data["name"],
            scopes=data["scopes"],
            description=data.get("description", ""),
            created_by=self.request.user,
        )
        return client

    def save_action(self):
        return TemplateResponse(
            self.request,
            "interop/api_client_key.html",
            {
                "client": self.object,
                "key": self.api_key,
                "header_title": _("Key of “%(name)s”") % {"name": self.object.name},
                "page_title": _("Key of “%(name)s”") % {"name": self.object.name},
                "header_icon": "key",
                "index_url": reverse(self.index_url_name),
                "docs_url": reverse("api:docs"),
            },
        )


class ApiClientRevokeView(BaseObjectMixin, WagtailAdminTemplateMixin, TemplateView):
    model = ApiClient
    template_name = "interop/api_client_revoke.html"
    header_icon = "lock"
    index_url_name = None
    revoke_url_name = None

    def dispatch(self, request, *args, **kwargs):
        if not permissions.api_client_rules.can_for(request.user, "change", self.object):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_page_title(self):
        return _("Revoke the key of “%(name)s”") % {"name": self.object.name}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            object=self.object,
            index_url=reverse(self.index_url_name),
            revoke_url=reverse(self.revoke_url_name, args=[self.object.pk]),
            header_title=self.get_page_title(),
        )
        return context

    def post(self, request, *args, **kwargs):
        api_client_revoke(client=self.object, revoked_by=request.user)
        messages.success(request, _("The key of “%(name)s” is revoked.") % {"name": self.object.name})
        return redirect(self.index_url_name)


class ApiClientEditView(snippet_views.EditView):
    @property
    def header_more_buttons(self):
        buttons = list(super().header_more_buttons)
        if not self.object.is_revoked:
            buttons.append(
                HeaderButton(
                    _("Revoke key"), url=reverse(_revoke_url_name(self), args=[self.object.pk]), icon_name="lock"
                )
            )
        return buttons

    def get_object(self, queryset=None):
        obj = super().get_object(queryset)
        if not permissions.api_client_rules.can_for(self.request.user, "change", obj):
            raise PermissionDenied
        return obj


class ApiClientViewSet(RuleSnippetViewSet):
    model = ApiClient
    rules = permissions.api_client_rules
    icon = "key"
    menu_label = _("API clients")
    menu_order = 100
    index_view_class = ApiClientIndexView
    add_view_class = ApiClientCreateView
    edit_view_class = ApiClientEditView
    copy_view_enabled = False
    list_display = [
        "name",
        Column("scopes", label=_("Scopes"), accessor=lambda client: client.scope_labels()),
        Column("key_prefix", label=_("API key"), accessor=lambda client: client.masked_key()),
        BooleanColumn("is_active", label=_("Key in force")),
        DateColumn("created_at", label=_("created")),
        DateColumn("last_used_at", label=_("last used")),
    ]
    filterset_class = ApiClientFilterSet
    list_export = [
        "name",
        "description",
        "scope_labels",
        "key_prefix",
        "created_at",
        "created_by",
        "last_used_at",
        "revoked_at",
        "revoked_by",
    ]
    export_filename = "api_clients"
    search_fields = ["name", "description", "key_prefix"]
    inspect_view_fields = [
        "name",
        "description",
        "scope_labels",
        "masked_key",
        "created_at",
        "created_by",
        "last_used_at",
        "revoked_at",
        "revoked_by",
    ]
    edit_handler = ObjectList(
        [FieldPanel("name"), FieldPanel("description"), FieldPanel("scopes")],
        base_form_class=ApiClientForm,
    )

    def get_queryset(self, request):
        return ApiClient.objects.select_related("created_by", "revoked_by")

    @property
    def revoke_view(self):
        return ApiClientRevokeView.as_view(
            index_url_name=self.get_url_name("list"), revoke_url_name=self.get_url_name("revoke")
        )

    def get_urlpatterns(self):
        return [*super().get_urlpatterns(), path("revoke/<int:pk>/", self.revoke_view, name="revoke")]


class ExchangeRecordFilterSet(WagtailFilterSet):
    started_at = django_filters.DateFromToRangeFilter(label=_("time"), widget=DateRangePickerWidget)
    operation = django_filters.CharFilter(label=_("operation"), lookup_expr="icontains")

    class Meta:
        model = ExchangeRecord
        fields = ["direction", "outcome", "client", "operation", "started_at"]


class ExchangeRecordInspectView(snippet_views.InspectView):
    def get_refusals_text_display_value(self):
        return linebreaksbr(self.object.refusals_text()) or "-"


class ExchangeRecordViewSet(RuleSnippetViewSet):
    """Every exchange: who, when, what, how many records, outcome. Read-only."""

    model = ExchangeRecord
    rules = permissions.exchange_record_rules
    icon = "resubmit"
    menu_label = _("Exchange log")
    menu_order = 110
    copy_view_enabled = False
    inspect_view_class = ExchangeRecordInspectView
    list_display = [
        DateColumn("started_at", label=_("time")),
        "direction",
        "operation",
        Column("who", label=_("who"), accessor=lambda record: record.who()),
        "record_count",
        "created_count",
        "updated_count",
        "refused_count",
        "outcome",
        "status_code",
    ]
    filterset_class = ExchangeRecordFilterSet
    list_export = [
        "started_at",
        "direction",
        "operation",
        "who",
        "method",
        "path",
        "status_code",
        "outcome",
        "record_count",
        "created_count",
        "updated_count",
        "unchanged_count",
        "refused_count",
        "duration_ms",
        "remote_address",
        "message",
        "refusals_text",
    ]
    export_filename = "exchange_log"
    search_fields = ["operation", "path", "message", "client__name"]
    ordering = ["-started_at", "-pk"]
    inspect_view_fields = [
        "started_at",
        "direction",
        "operation",
        "client",
        "user",
        "method",
        "path",
        "status_code",
        "outcome",
        "record_count",
        "created_count",
        "updated_count",
        "unchanged_count",
        "refused_count",
        "duration_ms",
        "remote_address",
        "message",
        "refusals_text",
    ]

    def get_queryset(self, request):
        return ExchangeRecord.objects.select_related("client", "user")


class ApiDocsMenuItem(MenuItem):
    def is_shown(self, request):
        return permissions.can_read_api_docs(request.user)


class DataExchangeGroup(SnippetViewSetGroup):
    menu_label = _("Data exchange")
    menu_icon = "resubmit"
    menu_order = 900
    items = (ApiClientViewSet, ExchangeRecordViewSet)

    def get_submenu_items(self):
        return [
            *super().get_submenu_items(),
            ApiDocsMenuItem(_("API documentation"), reverse("api:docs"), icon_name="help", order=3),
        ]


register_snippet(DataExchangeGroup)


@hooks.register("register_log_actions")
def register_interop_log_actions(actions):
    actions.register_action("interop.revoke", _("Revoke API key"), _("API key revoked"))
