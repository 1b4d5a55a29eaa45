"""REST endpoints the county's cadre-management system calls (SYS-3, PORTAL-3).

For each of units, teams, cadres and memberships:

- ``GET    /api/v1/<kind>/``                 pages of records, with filters;
- ``GET    /api/v1/<kind>/<external_id>/``   one record by the other system's identifier;
- ``PUT    /api/v1/<kind>/<external_id>/``   idempotent upsert of one record;
- ``POST   /api/v1/<kind>/bulk/``            upsert of many, with a report per record.

Every request, answered or refused, is written to the exchange log.
"""

from __future__ import annotations

from datetime import UTC

import django_filters
from django import forms
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.authentication import SessionAuthentication
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.pagination import PageNumberPagination
from rest_framework.permissions import SAFE_METHODS
from rest_framework.response import Response

from kaohe.core.net import client_address
from kaohe.org.models import Cadre, Membership, Team, Unit
from kaohe.org.permissions import cadre_rules, membership_rules, team_rules, unit_rules
from kaohe.org.selectors import cadre_records, current_membership_q, membership_records, team_records, unit_records

from .. import sync
from ..models import ApiClient, ExchangeRecord
from ..services import exchange_record
from .authentication import ApiKeyAuthentication
from .permissions import ScopeOrRules
from .serializers import (
    BulkReportSerializer,
    CadreRecordSerializer,
    ErrorSerializer,
    MembershipRecordSerializer,
    TeamRecordSerializer,
    UnitRecordSerializer,
    bulk_request_serializer,
    single_push_serializer,
)
from .throttling import ApiRateThrottle


class RecordPagination(PageNumberPagination):
    """Pages of 100 records by default, at most 1,000; a bad ``page`` or ``page_size`` gets 400, not a guess."""

    page_size = 100
    page_size_query_param = "page_size"
    max_page_size = 1000

    def get_page_size(self, request):
        return self._positive(request, self.page_size_query_param, self.page_size, self.max_page_size)

    def get_page_number(self, request, paginator):
        return self._positive(request, self.page_query_param, 1, None)

    def _positive(self, request, name, default, maximum):
        raw = request.query_params.get(name)
        if raw is None:
            return default
        try:
            value = int(raw)
        except ValueError:
            value = 0
        if value < 1 or (maximum is not None and value > maximum):
            bounds = _("a whole number from 1 to %(max)s") % {"max": maximum} if maximum else _("a whole number from 1")
            raise ValidationError({name: [_("Give %(bounds)s.") % {"bounds": bounds}]})
        return value

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            parameter["schema"]["minimum"] = 1
            if parameter["name"] == self.page_size_query_param:
                parameter["schema"]["maximum"] = self.max_page_size
        return parameters


def max_bulk_records() -> int:
    from django.conf import settings

    return int(getattr(settings, "INTEROP_MAX_BULK_RECORDS", 5000))


ERRORS = {
    401: OpenApiResponse(ErrorSerializer, description=_("No key, or a wrong or revoked key.")),
    403: OpenApiResponse(ErrorSerializer, description=_("The key lacks the scope, or the role may not read this.")),
    429: OpenApiResponse(ErrorSerializer, description=_("Too many requests: wait and try again.")),
}
NOT_FOUND = {404: OpenApiResponse(ErrorSerializer, description=_("No such record or page."))}
RESERVED = {
    405: OpenApiResponse(ErrorSerializer, description=_("“bulk” is the bulk push's address, not an identifier."))
}
BAD_REQUEST = {400: OpenApiResponse(description=_("The request was refused: the reasons by field."))}


class ExchangeLoggedMixin:
    """Writes one exchange-log line per request, whatever its outcome."""

    exchange_counts: dict | None = None
    exchange_refusals: list | None = None

    def dispatch(self, request, *args, **kwargs):
        self.exchange_started = timezone.now()
        try:
            return super().dispatch(request, *args, **kwargs)
        except Exception:
            self._log_exchange(request, status_code=500)
            raise

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        self._log_exchange(request, status_code=response.status_code)
        return response

    def _log_exchange(self, request, *, status_code: int) -> None:
        actor = getattr(request, "_user", None)
        client = actor if isinstance(actor, ApiClient) and actor.pk else None
        user = actor if client is None and getattr(actor, "is_authenticated", False) else None
        counts = self.exchange_counts or {}
        outcome = _outcome(status_code, counts)
        message = ""
        if status_code >= 400 and self.exchange_refusals is None:
            message = getattr(self, "exchange_message", "")
        exchange = exchange_record(
            direction=ExchangeRecord.Direction.READ
            if request.method in SAFE_METHODS
            else ExchangeRecord.Direction.PUSH,
            operation=f"{self.kind}.{getattr(self, 'action', None) or request.method.lower()}",
            outcome=outcome,
            started_at=self.exchange_started,
            client=client,
            user=user,
            method=request.method,
            path=request.get_full_path()[:500],
            status_code=status_code,
            record_count=counts.get("total", 0),
            created_count=counts.get(sync.CREATED, 0),
            updated_count=counts.get(sync.UPDATED, 0),
            unchanged_count=counts.get(sync.UNCHANGED, 0),
            refused_count=counts.get(sync.REFUSED, 0),
            remote_address=client_address(request),
            refusals=self.exchange_refusals,
            message=message,
        )
        self.exchange_id = exchange.pk


def _outcome(status_code: int, counts: dict) -> str:
    if status_code in (401, 403, 429):
        return ExchangeRecord.Outcome.DENIED
    if status_code >= 500:
        return ExchangeRecord.Outcome.ERROR
    if status_code >= 400:
        return ExchangeRecord.Outcome.REFUSED
    refused = counts.get(sync.REFUSED, 0)
    if refused and refused == counts.get("total", 0):
        return ExchangeRecord.Outcome.REFUSED
    if refused:
        return ExchangeRecord.Outcome.PARTIAL
    return ExchangeRecord.Outcome.SUCCESS


class ApiViewSet(ExchangeLoggedMixin, mixins.ListModelMixin, viewsets.GenericViewSet):
    """Keys or signed-in staff, scopes or rule tables, throttling, paging and the exchange log."""

    kind: str
    rules = None
    scope = ApiClient.Scope.READ_CADRES
    authentication_classes = [ApiKeyAuthentication, SessionAuthentication]
    permission_classes = [ScopeOrRules]
    throttle_classes = [ApiRateThrottle]
    pagination_class = RecordPagination

    def required_scope(self, request) -> str:
        return self.scope

    def get_rules(self):
        return self.rules

    def scoped(self, queryset):
        actor = self.request.user
        if isinstance(actor, ApiClient):
            return queryset
        return self.rules.scope(actor, "view", queryset)

    def handle_exception(self, exc):
        self.exchange_message = str(getattr(exc, "detail", exc))[:500]
        return super().handle_exception(exc)

    def list(self, request, *args, **kwargs):
        response = super().list(request, *args, **kwargs)
        self.exchange_counts = {"total": len(response.data.get("results", []))}
        return response


class RecordViewSet(mixins.RetrieveModelMixin, ApiViewSet):
    """Shared behaviour of the four kinds of organisation record: pulled, and pushed by their identifiers."""

    lookup_field = "external_id"
    lookup_value_regex = "[^/]+"
    http_method_names = ["get", "put", "post", "head", "options"]
    records = None  # the kind's selector of its records, e.g. ``unit_records``

    def get_queryset(self):
        return self.scoped(self.records())

    def required_scope(self, request) -> str:
        if request.method in SAFE_METHODS:
            return ApiClient.Scope.READ_CADRES
        return ApiClient.Scope.WRITE_CADRES

    def get_object(self):
        if not sync.storable(self.kwargs.get(self.lookup_field)):
            raise NotFound
        return super().get_object()

    def retrieve(self, request, *args, **kwargs):
        response = super().retrieve(request, *args, **kwargs)
        self.exchange_counts = {"total": 1}
        return response

    def update(self, request, *args, **kwargs):
        external_id = kwargs[self.lookup_field]
        if not sync.storable(external_id):
            raise ValidationError({"external_id": [_("Text may not contain NUL characters or broken Unicode.")]})
        result = sync.record_upsert(kind=self.kind, external_id=external_id, record=request.data)
        self.exchange_counts = {"total": 1, result.outcome: 1}
        if result.outcome == sync.REFUSED:
            self.exchange_refusals = [result.as_dict()]
            return Response(result.errors, status=status.HTTP_400_BAD_REQUEST)
        instance = self.get_queryset().get(pk=result.id)
        code = status.HTTP_201_CREATED if result.outcome == sync.CREATED else status.HTTP_200_OK
        return Response(self.get_serializer(instance).data, status=code)

    @action(detail=False, methods=["post"], url_path="bulk")
    def bulk(self, request, *args, **kwargs):
        records = request.data.get("records") if isinstance(request.data, dict) else None
        if not isinstance(records, list):
            raise ValidationError({"records": [_('Send the records as a list: {"records": [...]}.')]})
        limit = max_bulk_records()
        if len(records) > limit:
            raise ValidationError(
                {"records": [_("At most %(limit)s records per request; send the rest in another.") % {"limit": limit}]}
            )
        report = sync.records_upsert(kind=self.kind, records=records)
        self.exchange_counts = report.totals
        self.exchange_refusals = report.refusals()
        return Response(
            {
                "exchange": None,  # filled in once the log line exists, below
                **report.totals,
                "results": [item.as_dict() for item in report.outcomes],
            }
        )

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        if getattr(self, "action", None) == "bulk" and isinstance(response.data, dict) and "exchange" in response.data:
            # The body is rendered lazily, after this: the log line's number can still go in.
            response.data["exchange"] = getattr(self, "exchange_id", None)
        return response


def _kind_docs(label, serializer):
    """OpenAPI descriptions of one kind's operations."""
    bulk_request = bulk_request_serializer(serializer)
    return extend_schema_view(
        list=extend_schema(
            summary=format_lazy(_("List {label}"), label=label),
            description=_("Pages of records in the portal's order; page through them with `page` and `page_size`."),
            responses={200: serializer(many=True), **NOT_FOUND, **BAD_REQUEST, **ERRORS},
        ),
        retrieve=extend_schema(
            summary=_("Read one record by its identifier"),
            description=_("The record whose identifier in the cadre-management system is in the address."),
            responses={200: serializer, **NOT_FOUND, **RESERVED, **ERRORS},
        ),
        update=extend_schema(
            summary=_("Push one record (create or update)"),
            description=_(
                "Idempotent upsert keyed by the identifier in the address: 201 when created, 200 when updated "
                "or unchanged, 400 with the reasons by field when refused (then nothing changed)."
            ),
            request=single_push_serializer(serializer),
            responses={200: serializer, 201: serializer, **BAD_REQUEST, **RESERVED, **ERRORS},
        ),
        bulk=extend_schema(
            summary=_("Push many records"),
            description=_(
                "Each record is created, updated, left unchanged or refused on its own; a refused record "
                "changes nothing. Records may refer to records earlier in the same list."
            ),
            request=bulk_request,
            responses={200: BulkReportSerializer, **BAD_REQUEST, **ERRORS},
        ),
    )


class StrictBooleanField(forms.Field):
    """``true`` or ``false``; anything else is an error, not "no filter"."""

    def to_python(self, value):
        if value in (None, ""):
            return None
        text = str(value).strip().lower()
        if text in ("true", "1"):
            return True
        if text in ("false", "0"):
            return False
        raise forms.ValidationError(_("Give true or false."))


class StrictBooleanFilter(django_filters.BooleanFilter):
    field_class = StrictBooleanField


class ChangedSinceFilter(django_filters.IsoDateTimeFilter):
    """A time with any UTC offset Python accepts; PostgreSQL takes offsets up to ±15:59 only, so compare in UTC."""

    def filter(self, qs, value):
        if value is not None:
            value = value.astimezone(UTC)
        return super().filter(qs, value)


class StrictFilterSet(django_filters.FilterSet):
    """An empty value of a typed filter (``?changed_since=``) is an error, not "no filter"."""

    def is_valid(self):
        valid = super().is_valid()
        for name, filter_ in self.filters.items():
            if not isinstance(filter_, django_filters.CharFilter) and self.data.get(name, None) == "":
                self.form.add_error(name, _("Give a value, or leave the parameter out."))
                valid = False
        return valid


class UnitFilter(StrictFilterSet):
    is_active = StrictBooleanFilter(label=_("Active"))
    kind = django_filters.CharFilter(field_name="kind__name", label=_("Unit kind (name)"))
    parent = django_filters.CharFilter(field_name="parent__external_id", label=_("Parent unit (identifier)"))

    class Meta:
        model = Unit
        fields = ["kind", "parent", "is_active"]


class TeamFilter(StrictFilterSet):
    unit = django_filters.CharFilter(field_name="unit__external_id", label=_("Unit (identifier)"))

    class Meta:
        model = Team
        fields = ["unit", "team_type"]


class CadreFilter(StrictFilterSet):
    is_active = StrictBooleanFilter(label=_("Active"))
    unit = django_filters.CharFilter(field_name="unit__external_id", label=_("Unit (identifier)"))
    changed_since = ChangedSinceFilter(
        field_name="updated_at", lookup_expr="gte", label=_("Changed at or after (ISO 8601 time)")
    )

    class Meta:
        model = Cadre
        fields = ["unit", "is_active", "rank", "changed_since"]


class MembershipFilter(StrictFilterSet):
    team = django_filters.CharFilter(field_name="team__external_id", label=_("Team (identifier)"))
    cadre = django_filters.CharFilter(field_name="cadre__external_id", label=_("Cadre (identifier)"))
    current = StrictBooleanFilter(method="filter_current", label=_("Only seats held today"))

    class Meta:
        model = Membership
        fields = ["team", "cadre", "current"]

    def filter_current(self, queryset, name, value):
        return queryset.filter(current_membership_q()) if value else queryset.exclude(current_membership_q())


@extend_schema(tags=["units"])
@_kind_docs(_("units"), UnitRecordSerializer)
class UnitViewSet(RecordViewSet):
    kind = "units"
    rules = unit_rules
    serializer_class = UnitRecordSerializer
    filterset_class = UnitFilter
    records = staticmethod(unit_records)


@extend_schema(tags=["teams"])
@_kind_docs(_("leadership teams"), TeamRecordSerializer)
class TeamViewSet(RecordViewSet):
    kind = "teams"
    rules = team_rules
    serializer_class = TeamRecordSerializer
    filterset_class = TeamFilter
    records = staticmethod(team_records)


@extend_schema(tags=["cadres"])
@_kind_docs(_("cadres"), CadreRecordSerializer)
class CadreViewSet(RecordViewSet):
    kind = "cadres"
    rules = cadre_rules
    serializer_class = CadreRecordSerializer
    filterset_class = CadreFilter
    records = staticmethod(cadre_records)


@extend_schema(tags=["memberships"])
@_kind_docs(_("team memberships"), MembershipRecordSerializer)
class MembershipViewSet(RecordViewSet):
    kind = "memberships"
    rules = membership_rules
    serializer_class = MembershipRecordSerializer
    filterset_class = MembershipFilter
    records = staticmethod(membership_records)
