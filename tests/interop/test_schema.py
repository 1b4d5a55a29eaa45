"""SYS-3: the API is documented by its own OpenAPI 3 schema, served by the portal with an interactive page.

schemathesis generates requests for every operation from that schema, with a
valid key, and checks that no answer is a server error or breaks the schema.
"""

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from rest_framework.test import APIClient
from schemathesis import checks

from kaohe.core.roles import RoleCode
from kaohe.goals.models import GoalPlan
from tests.factories import CadreFactory, MembershipFactory, TeamFactory, UnitFactory, UnitKindFactory
from tests.goals.factories import AssignmentFactory, GoalFactory, GoalPlanFactory, QuantitativeGoalFactory
from tests.interop.factories import make_api_client

SCHEMA_URL = "/api/schema/?format=json"


@pytest.fixture
def keep_test_connection():
    """schemathesis calls the WSGI app directly; like Django's test client, keep the test's
    database connection (and its transaction) open across those requests."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def api_key(db, settings, keep_test_connection):
    # schemathesis sends hundreds of requests with one key: lift the throttle for it.
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {"api": "100000/min"}}
    kind = UnitKindFactory(name="县政府工作部门")
    unit = UnitFactory(external_id="U-1", kind=kind)
    team = TeamFactory(unit=unit, external_id="T-1")
    cadre = CadreFactory(unit=unit, external_id="C-1")
    MembershipFactory(team=team, external_id="M-1", cadre=cadre)
    # Results and goals, so their pulls answer with rows the schema must describe.
    from tests.interop.test_results_api import result

    result(2025, team=team, grade="好")
    result(2025, cadre=cadre)
    plan = GoalPlanFactory(unit=unit, status=GoalPlan.Status.PUBLISHED)
    AssignmentFactory(cadre=cadre, goal=QuantitativeGoalFactory(plan=plan))
    AssignmentFactory(cadre=cadre, goal=GoalFactory(plan=plan, goal_type=None))
    _client, key = make_api_client()
    return key


def portal_schema() -> dict:
    """The document /api/schema/ serves, generated in-process at collection time (no database needed)."""
    from drf_spectacular.generators import SchemaGenerator

    return SchemaGenerator().get_schema(request=None, public=True)


# schemathesis' lazy ``from_fixture`` loader does not run under this pytest
# (it rewrites a node id pytest no longer has), so the schema is generated
# here and the requests go to the portal's WSGI application in-process.
schema = schemathesis.openapi.from_dict(portal_schema())
schema.app = get_wsgi_application()


@schema.parametrize()
@settings(
    max_examples=25,
    database=None,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.filter_too_much],
)
def test_sys3_every_operation_answers_within_its_schema(case, api_key):
    """SYS-3: schemathesis finds no server error and no response that breaks the schema, on every operation.

    Every check runs except the two about which requests should succeed: a
    schema cannot say that a referenced unit must exist or that a name must be
    unique in its parent, so schema-valid records are refused (400, with the
    reasons) and the API, like DRF everywhere, accepts the usual coercions
    (0/1 for a boolean, a number for a text identifier).
    """
    case.call_and_validate(
        headers={"Authorization": f"Bearer {api_key}"},
        excluded_checks=[checks.negative_data_rejection, checks.positive_data_acceptance],
    )


@pytest.mark.django_db
def test_sys3_schema_lists_every_exchange_operation(api_key):
    """SYS-3: the schema documents push (single, bulk) and pull (list, one) of the four kinds, the pulls of
    results and of a cadre's goals, and the key scheme."""
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {api_key}")
    document = client.get(SCHEMA_URL).json()
    assert document["openapi"].startswith("3.")
    assert document["paths"] == portal_schema()["paths"]
    for kind in ("units", "teams", "cadres", "memberships"):
        assert set(document["paths"][f"/api/v1/{kind}/"]) == {"get"}
        assert set(document["paths"][f"/api/v1/{kind}/{{external_id}}/"]) == {"get", "put"}
        assert set(document["paths"][f"/api/v1/{kind}/bulk/"]) == {"post"}
    assert set(document["paths"]["/api/v1/results/"]) == {"get"}
    assert set(document["paths"]["/api/v1/cadres/{cadre_external_id}/goals/"]) == {"get"}
    assert not [path for path in document["paths"] if not path.startswith("/api/v1/")]
    assert document["components"]["securitySchemes"]["apiKey"] == {
        "type": "http",
        "scheme": "bearer",
        "description": document["components"]["securitySchemes"]["apiKey"]["description"],
    }


@pytest.mark.django_db
def test_sys3_schema_is_not_public(make_user, unit):
    """SYS-3: without a key or a signed-in administrator, the schema is refused."""
    assert APIClient().get(SCHEMA_URL).status_code == 401
    client = APIClient()
    client.force_authenticate(make_user(RoleCode.UNIT_ADMIN, unit=unit))
    assert client.get(SCHEMA_URL).status_code == 403


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("role", "status"),
    [
        (RoleCode.SYSTEM_ADMIN, 200),
        (RoleCode.OFFICE, 200),
        (RoleCode.UNIT_ADMIN, 403),
        (RoleCode.CADRE, 403),
        (None, 302),
    ],
)
def test_sys3_docs_page_is_served_by_the_portal_without_a_cdn(client, make_user, unit, role, status):
    """SYS-3: Swagger UI for the administrator and the office, its files from the portal's own static files."""
    if role is not None:
        client.force_login(make_user(role, unit=unit))
    response = client.get("/api/docs/")
    assert response.status_code == status
    if status != 200:
        return
    page = response.content.decode()
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js" in page
    assert "/api/schema/" in page
    assert "cdn" not in page.lower() and "https://" not in page
    asset = client.get("/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js")
    assert asset.status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("path", "parameters"),
    [
        ("/api/v1/units/", {}),
        ("/api/v1/memberships/{external_id}/", {"external_id": "M-1"}),
        ("/api/v1/results/", {}),
        ("/api/v1/cadres/{cadre_external_id}/goals/", {"cadre_external_id": "C-1"}),
    ],
)
def test_sys3_pulls_with_data_answer_within_the_schema(api_key, path, parameters):
    """SYS-3: answers that carry records (the fuzzing rarely guesses a real identifier) match the schema too."""
    case = schema[path]["GET"].Case(path_parameters=parameters)
    response = case.call(headers={"Authorization": f"Bearer {api_key}"})
    assert response.status_code == 200
    body = response.json()
    assert body.get("results", [body])
    case.validate_response(
        response,
        checks=[
            checks.response_schema_conformance,
            checks.status_code_conformance,
            checks.content_type_conformance,
            checks.response_headers_conformance,
        ],
    )
