"""Pulls of assessment outcomes: yearly results with their grades, and the goals assigned to a cadre (SYS-3).

``GET /api/v1/results/``                          yearly results of teams and cadres, with the
                                                   recommended and the approved grade;
``GET /api/v1/cadres/<external_id>/goals/``        the goals of published goal plans assigned to a cadre.

Both need the "read results" scope. This module is loaded only by the API's
URLconf, at the portal's level, so it may read the results and goals apps.
"""

from __future__ import annotations

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import serializers
from rest_framework.exceptions import NotFound

from kaohe.goals.models import Assignment, GoalPlan
from kaohe.goals.permissions import assignment_rules
from kaohe.goals.selectors import visible_plans
from kaohe.org.models import PostGroup
from kaohe.org.selectors import cadre_by_external_id
from kaohe.results.models import AssessmentYear, YearResult
from kaohe.results.permissions import result_rules

from ..models import ApiClient
from ..sync import storable
from .views import (
    BAD_REQUEST,
    ERRORS,
    NOT_FOUND,
    ApiViewSet,
    ChangedSinceFilter,
    StrictBooleanFilter,
    StrictFilterSet,
)


class YearResultSerializer(serializers.ModelSerializer):
    kind = serializers.SerializerMethodField(help_text=_("“team” or “cadre”."))
    target_category = serializers.CharField(
        source="target_category.name",
        allow_null=True,
        default=None,
        help_text=_("The target category's name; null while no category covers the team or cadre."),
    )
    team = serializers.CharField(
        source="team.external_id", allow_null=True, default=None, help_text=_("The team's identifier.")
    )
    cadre = serializers.CharField(
        source="cadre.external_id", allow_null=True, default=None, help_text=_("The cadre's identifier.")
    )
    team_id = serializers.IntegerField(allow_null=True, help_text=_("The portal's number of the team."))
    cadre_id = serializers.IntegerField(allow_null=True, help_text=_("The portal's number of the cadre."))
    name = serializers.CharField(source="subject_name", help_text=_("The team's or the cadre's name."))
    unit = serializers.SerializerMethodField(help_text=_("The identifier of the team's unit or the cadre's unit."))
    # Declared so the schema admits the empty value a team's result (or a cadre without a seat) has;
    # a read-only model field would lose allow_blank.
    post_group = serializers.ChoiceField(
        choices=PostGroup.choices,
        allow_blank=True,
        read_only=True,
        help_text=_("The cadre's post group (职务类别); empty for a team's result."),
    )
    year_archived = serializers.SerializerMethodField(
        help_text=_("Whether the office has archived the year: its results and grades are final.")
    )

    class Meta:
        model = YearResult
        fields = [
            "id",
            "year",
            "kind",
            "target_category",
            "team",
            "team_id",
            "cadre",
            "cadre_id",
            "name",
            "unit",
            "goal_score",
            "evaluation_score",
            "total",
            "rank",
            "status",
            "post",
            "post_group",
            "recommended_grade",
            "approved_grade",
            "is_stale",
            "year_archived",
            "computed_at",
            "updated_at",
        ]
        read_only_fields = fields

    def get_kind(self, result) -> str:
        return "team" if result.team_id else "cadre"

    def get_unit(self, result) -> str | None:
        unit = result.unit if result.unit_id else result.team.unit if result.team_id else result.cadre.unit
        return unit.external_id if unit is not None else None

    def get_year_archived(self, result) -> bool:
        return result.year in self.context.get("archived_years", ())


class YearResultFilter(StrictFilterSet):
    year = django_filters.NumberFilter(label=_("Year"))
    unit = django_filters.CharFilter(method="filter_unit", label=_("Unit (identifier)"))
    kind = django_filters.ChoiceFilter(
        choices=[("team", _("Leadership teams")), ("cadre", _("Cadres"))],
        method="filter_kind",
        label=_("Teams or cadres"),
    )
    graded = StrictBooleanFilter(method="filter_graded", label=_("Only results with an approved grade"))
    changed_since = ChangedSinceFilter(
        field_name="updated_at", lookup_expr="gte", label=_("Changed at or after (ISO 8601 time)")
    )

    class Meta:
        model = YearResult
        fields = ["year", "unit", "kind", "graded", "changed_since"]

    def filter_unit(self, queryset, name, value):
        return queryset.filter(Q(team__unit__external_id=value) | Q(cadre__unit__external_id=value))

    def filter_kind(self, queryset, name, value):
        return queryset.filter(team__isnull=value != "team")

    def filter_graded(self, queryset, name, value):
        return queryset.exclude(approved_grade="") if value else queryset.filter(approved_grade="")


@extend_schema(tags=["results"])
@extend_schema_view(
    list=extend_schema(
        summary=_("List yearly results and grades"),
        description=_(
            "Yearly results of teams and cadres in pages, with the recommended and the approved grade; "
            "filter by year, unit and time of change. Results and grades are final once the year is archived."
        ),
        responses={200: YearResultSerializer(many=True), **NOT_FOUND, **BAD_REQUEST, **ERRORS},
    )
)
class YearResultViewSet(ApiViewSet):
    kind = "results"
    rules = result_rules
    scope = ApiClient.Scope.READ_RESULTS
    serializer_class = YearResultSerializer
    filterset_class = YearResultFilter

    def get_queryset(self):
        queryset = YearResult.objects.select_related("target_category", "unit", "team__unit", "cadre__unit").order_by(
            "year", "pk"
        )
        return self.scoped(queryset)

    def get_serializer_context(self):
        context = super().get_serializer_context()
        context["archived_years"] = set(
            AssessmentYear.objects.filter(archived_at__isnull=False).values_list("year", flat=True)
        )
        return context


class CadreGoalSerializer(serializers.ModelSerializer):
    role = serializers.CharField(source="role.name", help_text=_("The cadre's role in the goal, e.g. 牵头, 配合."))
    goal_id = serializers.IntegerField(source="goal.id")
    goal = serializers.CharField(source="goal.name", help_text=_("The goal's text."))
    parent_goal_id = serializers.IntegerField(source="goal.parent_id", allow_null=True)
    year = serializers.IntegerField(source="goal.plan.year")
    unit = serializers.CharField(
        source="goal.plan.unit.external_id",
        allow_null=True,
        help_text=_("The identifier of the unit whose goal it is."),
    )
    unit_name = serializers.CharField(source="goal.plan.unit.name")
    goal_kind = serializers.CharField(source="goal.kind", help_text=_("“quantitative” or “qualitative”."))
    goal_type = serializers.CharField(source="goal.goal_type.name", allow_null=True, default=None)
    weight = serializers.DecimalField(source="goal.weight", max_digits=5, decimal_places=2)
    importance = serializers.IntegerField(source="goal.importance", help_text=_("1 key, 2 important, 3 normal."))
    start_date = serializers.DateField(source="goal.start_date", allow_null=True)
    due_date = serializers.DateField(source="goal.due_date", allow_null=True)
    criteria = serializers.CharField(source="goal.criteria")
    indicator = serializers.CharField(source="goal.indicator.name", allow_null=True, default=None)
    measure_unit = serializers.CharField(source="goal.indicator.measure_unit.name", allow_null=True, default=None)
    plan_value = serializers.DecimalField(source="goal.plan_value", max_digits=16, decimal_places=4, allow_null=True)
    counts_in_assessment = serializers.BooleanField(source="goal.counts_in_assessment")
    updated_at = serializers.DateTimeField(source="goal.updated_at")

    class Meta:
        model = Assignment
        fields = [
            "id",
            "role",
            "goal_id",
            "goal",
            "parent_goal_id",
            "year",
            "unit",
            "unit_name",
            "goal_kind",
            "goal_type",
            "weight",
            "importance",
            "start_date",
            "due_date",
            "criteria",
            "indicator",
            "measure_unit",
            "plan_value",
            "counts_in_assessment",
            "updated_at",
        ]
        read_only_fields = fields


class CadreGoalFilter(StrictFilterSet):
    year = django_filters.NumberFilter(field_name="goal__plan__year", label=_("Year"))

    class Meta:
        model = Assignment
        fields = ["year"]


@extend_schema(tags=["results"])
@extend_schema_view(
    list=extend_schema(
        summary=_("List the goals assigned to a cadre"),
        description=_("The goals of published goal plans that are assigned to the cadre, with the cadre's role."),
        parameters=[
            OpenApiParameter("cadre_external_id", str, OpenApiParameter.PATH, description=_("The cadre's identifier."))
        ],
        responses={200: CadreGoalSerializer(many=True), **NOT_FOUND, **BAD_REQUEST, **ERRORS},
    )
)
class CadreGoalViewSet(ApiViewSet):
    kind = "cadre_goals"
    rules = assignment_rules
    scope = ApiClient.Scope.READ_RESULTS
    serializer_class = CadreGoalSerializer
    filterset_class = CadreGoalFilter

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # the schema generator looks at the model only
            return Assignment.objects.none()
        external_id = self.kwargs["cadre_external_id"]
        if not storable(external_id):
            raise NotFound
        cadre = cadre_by_external_id(external_id=external_id)
        if cadre is None:
            raise NotFound
        queryset = Assignment.objects.filter(cadre=cadre).select_related(
            "role", "goal__plan__unit", "goal__goal_type", "goal__indicator__measure_unit"
        )
        actor = self.request.user
        if isinstance(actor, ApiClient):
            # Drafts stay in the portal until the unit publishes its plan.
            plans = GoalPlan.objects.filter(status=GoalPlan.Status.PUBLISHED)
        else:
            queryset = self.rules.scope(actor, "view", queryset)
            plans = visible_plans(user=actor)
        return queryset.filter(goal__plan__in=plans).order_by(
            "goal__plan__year", "goal__plan_id", "goal__sort_order", "pk"
        )
