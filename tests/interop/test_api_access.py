"""SYS-3, SYS-7: API keys, scopes, roles and throttling.

Wrong or missing keys get 401, a key without the scope or a role without the
right gets 403, too many requests get 429: always a JSON error, never data.
"""

import hashlib

import pytest
from django.test import override_settings
from rest_framework.test import APIClient

from kaohe.core.roles import RoleCode
from kaohe.interop.models import ApiClient, ExchangeRecord
from kaohe.interop.services import api_client_revoke
from tests.factories import CadreFactory, UnitFactory

pytestmark = pytest.mark.django_db

S = ApiClient.Scope
CADRE = {"name": "张伟", "sex": "male", "position": "县审计局局长"}


def assert_json_error(response, status):
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert set(body) == {"detail"}, body
    return body["detail"]


def test_sys3_only_a_hash_of_the_key_is_stored(key_client):
    """SYS-3: the key exists in clear only when created; the database holds its SHA-256 and a prefix."""
    client = key_client()
    record = ApiClient.objects.get(pk=client.api_client.pk)
    prefix, secret = client.key.split(".")
    assert record.key_prefix == prefix
    assert record.key_hash == hashlib.sha256(secret.encode()).hexdigest()
    for value in ApiClient.objects.filter(pk=record.pk).values().get().values():
        assert secret not in str(value)


@pytest.mark.parametrize(
    "header",
    [
        None,
        "Bearer",
        "Bearer nonsense",
        "Bearer 0000.wrong-secret",
        "Bearer a b",
    ],
)
def test_sys3_missing_or_wrong_key_gets_401_json_and_no_data(header):
    """SYS-3: no key, a malformed key or an unknown key: 401 with a JSON error and a WWW-Authenticate challenge."""
    CadreFactory(external_id="C-1")
    client = APIClient()
    if header:
        client.credentials(HTTP_AUTHORIZATION=header)
    for url in ("/api/v1/cadres/", "/api/v1/cadres/C-1/"):
        response = client.get(url)
        assert_json_error(response, 401)
        assert response["WWW-Authenticate"].startswith("Bearer")
        assert "C-1" not in response.content.decode()


def test_sys3_a_key_with_the_right_prefix_but_wrong_secret_is_refused(key_client):
    """SYS-3: knowing a key's prefix (shown in the admin) is not enough."""
    client = key_client()
    prefix = client.key.split(".")[0]
    other = APIClient()
    other.credentials(HTTP_AUTHORIZATION=f"Bearer {prefix}.not-the-secret")
    assert_json_error(other.get("/api/v1/cadres/"), 401)


def test_sys3_revoked_key_gets_401(key_client, sysadmin_user):
    """SYS-3: once the administrator revokes a key, its next request is refused."""
    client = key_client()
    assert client.get("/api/v1/cadres/").status_code == 200
    api_client_revoke(client=client.api_client, revoked_by=sysadmin_user)
    detail = assert_json_error(client.get("/api/v1/cadres/"), 401)
    assert "吊销" in detail


# (scopes of the key, method, url, expected status)
SCOPE_TABLE = [
    ([S.READ_CADRES], "get", "/api/v1/cadres/", 200),
    ([S.READ_CADRES], "get", "/api/v1/units/", 200),
    ([S.READ_CADRES], "put", "/api/v1/cadres/C-9/", 403),
    ([S.READ_CADRES], "post", "/api/v1/cadres/bulk/", 403),
    ([S.WRITE_CADRES], "get", "/api/v1/cadres/", 403),
    ([S.WRITE_CADRES], "put", "/api/v1/cadres/C-9/", 201),
    ([S.WRITE_CADRES], "post", "/api/v1/memberships/bulk/", 200),
    ([S.READ_RESULTS], "get", "/api/v1/teams/", 403),
    ([S.READ_RESULTS], "put", "/api/v1/units/U-9/", 403),
    ([], "get", "/api/v1/memberships/", 403),
]


@pytest.mark.parametrize(("scopes", "method", "url", "expected"), SCOPE_TABLE)
def test_sys3_each_scope_opens_exactly_its_endpoints(key_client, scopes, method, url, expected):
    """SYS-3: read and write scopes are separate; a missing scope gets 403 JSON and changes nothing."""
    client = key_client(scopes)
    body = {"records": []} if url.endswith("bulk/") else {**CADRE, "name": "县审计局", "kind": "县政府工作部门"}
    if "cadres" in url and method == "put":
        body = CADRE
    UnitFactory(name="县审计局", external_id="U-0", kind__name="县政府工作部门")
    before = ExchangeRecord.objects.count()
    response = getattr(client, method)(url, body, format="json")
    if expected == 403:
        detail = assert_json_error(response, 403)
        assert "权限" in detail
        from kaohe.org.models import Cadre, Unit

        assert not Cadre.objects.filter(external_id="C-9").exists()
        assert not Unit.objects.filter(external_id="U-9").exists()
    else:
        assert response.status_code == expected, response.content
    assert ExchangeRecord.objects.count() == before + 1


ALL_ROLES = list(RoleCode)


@pytest.mark.parametrize("role", ALL_ROLES)
def test_sys7_signed_in_staff_read_by_their_rule_table_and_never_write(client, make_user, unit, role):
    """SYS-7: a person signed in to the portal reads what the organisation rules let them view, and never writes."""
    CadreFactory(unit=unit, external_id="C-1")
    user = make_user(role, unit=unit)
    client.force_login(user)
    response = client.get("/api/v1/cadres/")
    from kaohe.org.permissions import cadre_rules

    if cadre_rules.can(user, "view"):
        assert response.status_code == 200
        assert [row["external_id"] for row in response.json()["results"]] == ["C-1"]
    else:
        assert_json_error(response, 403)
    response = client.put("/api/v1/cadres/C-1/", {**CADRE}, content_type="application/json")
    # Session writes need the CSRF token; with it they are still refused.
    assert response.status_code == 403


def test_sys7_signed_in_person_with_the_csrf_token_still_cannot_write(make_user, unit):
    """SYS-7: people edit in the admin; only an API client's key writes through the API."""
    user = make_user(RoleCode.OFFICE)
    client = APIClient(enforce_csrf_checks=False)
    client.force_authenticate(user)
    response = client.post("/api/v1/cadres/bulk/", {"records": [{**CADRE, "external_id": "C-5"}]}, format="json")
    detail = assert_json_error(response, 403)
    assert "API" in detail
    from kaohe.org.models import Cadre

    assert not Cadre.objects.filter(external_id="C-5").exists()


def test_sys7_a_user_without_any_role_reads_nothing(make_user):
    """SYS-7: an account without a role gets 403, not an empty list."""
    user = make_user()
    client = APIClient()
    client.force_authenticate(user)
    assert_json_error(client.get("/api/v1/units/"), 403)


@override_settings(
    REST_FRAMEWORK={
        "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
        "DEFAULT_THROTTLE_RATES": {"api": "3/min"},
    }
)
def test_sys3_requests_are_throttled_per_client(key_client):
    """SYS-3: past the rate, a client gets 429 with a JSON error and a Retry-After; other clients go on."""
    first, second = key_client(), key_client()
    for _ in range(3):
        assert first.get("/api/v1/units/").status_code == 200
    response = first.get("/api/v1/units/")
    assert_json_error(response, 429)
    assert int(response["Retry-After"]) > 0
    assert second.get("/api/v1/units/").status_code == 200
    denied = ExchangeRecord.objects.filter(client=first.api_client, status_code=429).get()
    assert denied.outcome == ExchangeRecord.Outcome.DENIED


def test_sys3_every_request_is_logged_with_who_when_and_outcome(key_client):
    """SYS-3: the exchange log records the client, the operation, the count and the outcome, refused requests too."""
    client = key_client([S.READ_CADRES])
    CadreFactory.create_batch(3)
    client.get("/api/v1/cadres/")
    client.put("/api/v1/cadres/C-1/", CADRE, format="json")
    APIClient().get("/api/v1/cadres/")
    read, refused, anonymous = ExchangeRecord.objects.order_by("pk")
    assert (read.client, read.operation, read.record_count, read.outcome, read.direction) == (
        client.api_client,
        "cadres.list",
        3,
        "success",
        "read",
    )
    assert (refused.client, refused.status_code, refused.outcome, refused.direction) == (
        client.api_client,
        403,
        "denied",
        "push",
    )
    assert anonymous.client is None and anonymous.status_code == 401 and anonymous.outcome == "denied"
    assert read.started_at <= refused.started_at <= anonymous.started_at
