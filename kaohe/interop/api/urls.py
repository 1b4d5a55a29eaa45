"""URLs under ``/api/``: the v1 endpoints, the OpenAPI schema and its docs page (SYS-3)."""

from django.urls import include, path
from rest_framework.routers import SimpleRouter

from . import docs, results, views

router = SimpleRouter()
router.register("units", views.UnitViewSet, basename="api-unit")
router.register("teams", views.TeamViewSet, basename="api-team")
router.register("cadres", views.CadreViewSet, basename="api-cadre")
router.register("memberships", views.MembershipViewSet, basename="api-membership")
router.register("results", results.YearResultViewSet, basename="api-result")
router.register(r"cadres/(?P<cadre_external_id>[^/]+)/goals", results.CadreGoalViewSet, basename="api-cadre-goal")

app_name = "api"

urlpatterns = [
    path("v1/", include(router.urls)),
    path("schema/", docs.SchemaView.as_view(), name="schema"),
    path("docs/", docs.swagger_page, name="docs"),
]
