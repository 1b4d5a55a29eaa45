"""Issue 12 item 6: every rate limit keys on the client's address from trusted proxies only.

Behind nginx every request comes from nginx's address. Five comments from anyone used to block
the whole county's public comments and reports (CMT-1) for ten minutes. Now the visitor's
address is taken from ``X-Forwarded-For`` when, and only when, the request comes from a proxy in
``TRUSTED_PROXIES`` (``kaohe.core.net.client_address``): two visitors behind nginx are limited
separately, and a visitor talking to the portal directly cannot dodge a limit by sending the
header. The same holds for portal sign-in (SYS-8) and the API's per-address throttle (SYS-3).
"""

import pytest
from django.core.cache import cache
from django.test import Client, RequestFactory
from django.urls import reverse

from kaohe.accounts.models import SignInEvent
from kaohe.comments.models import Comment
from kaohe.interop.api.throttling import ApiRateThrottle
from tests.comments.conftest import form_data
from tests.comments.factories import comment_type
from tests.goals.factories import GoalFactory, GoalPlanFactory

pytestmark = pytest.mark.django_db
NGINX = "127.0.0.1"
OUTSIDER = "198.51.100.7"


@pytest.fixture(autouse=True)
def _behind_nginx(settings):
    settings.TRUSTED_PROXIES = [NGINX]
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def goal(unit):
    return GoalFactory(plan=GoalPlanFactory(unit=unit, year=2026, status="published"), name="推进重点项目建设")


def comment_from(goal, **meta):
    """One comment from a new browser (no session to be counted by)."""
    return Client(**meta).post(reverse("comments:goal", args=[goal.pk]), form_data(comment_type()))


def test_cmt1_two_visitors_behind_nginx_are_limited_separately(goal, settings):
    settings.COMMENTS_RATE_LIMIT = 2
    first = {"REMOTE_ADDR": NGINX, "HTTP_X_FORWARDED_FOR": "10.8.0.11"}
    assert [comment_from(goal, **first).status_code for _ in range(3)] == [302, 302, 400]
    second = {"REMOTE_ADDR": NGINX, "HTTP_X_FORWARDED_FOR": "10.8.0.12"}
    assert comment_from(goal, **second).status_code == 302
    report = {"REMOTE_ADDR": NGINX, "HTTP_X_REAL_IP": "10.8.0.13"}
    assert (
        Client(**report).post(reverse("comments:goal", args=[goal.pk]), form_data(comment_type("举报"))).status_code
        == 302
    )
    assert Comment.objects.count() == 4


def test_cmt1_a_forwarded_header_from_an_untrusted_peer_is_ignored(goal, settings):
    settings.COMMENTS_RATE_LIMIT = 2
    codes = [
        comment_from(goal, REMOTE_ADDR=OUTSIDER, HTTP_X_FORWARDED_FOR=f"10.9.0.{number}").status_code
        for number in range(3)
    ]
    assert codes == [302, 302, 400]
    assert Comment.objects.count() == 2


def test_sys8_sign_in_failures_count_per_visitor_behind_nginx(client, office_user, settings):
    settings.PORTAL_LOGIN_MAX_FAILURES = 100
    settings.PORTAL_LOGIN_MAX_FAILURES_PER_IP = 3

    def attempt(**meta):
        Client(**meta).post(
            reverse("accounts:login"), {"username": f"guess{SignInEvent.objects.count()}", "password": "x"}
        )
        return SignInEvent.objects.latest("pk")

    guesser = {"REMOTE_ADDR": NGINX, "HTTP_X_FORWARDED_FOR": "10.8.0.21"}
    outcomes = [attempt(**guesser).outcome for _ in range(4)]
    assert outcomes[-1] == SignInEvent.Outcome.LOCKED
    assert SignInEvent.objects.filter(ip_address="10.8.0.21").count() == 4
    colleague = Client(REMOTE_ADDR=NGINX, HTTP_X_FORWARDED_FOR="10.8.0.22")
    colleague.post(reverse("accounts:login"), {"username": office_user.username, "password": "pass-1234-word"})
    assert SignInEvent.objects.latest("pk").outcome == SignInEvent.Outcome.SUCCESS


def test_sys8_sign_in_failures_from_an_untrusted_peer_count_on_its_own_address(settings):
    settings.PORTAL_LOGIN_MAX_FAILURES = 100
    settings.PORTAL_LOGIN_MAX_FAILURES_PER_IP = 3
    for number in range(4):
        Client(REMOTE_ADDR=OUTSIDER, HTTP_X_FORWARDED_FOR=f"10.9.1.{number}").post(
            reverse("accounts:login"), {"username": f"guess{number}", "password": "x"}
        )
    assert set(SignInEvent.objects.values_list("ip_address", flat=True)) == {OUTSIDER}
    assert SignInEvent.objects.latest("pk").outcome == SignInEvent.Outcome.LOCKED


@pytest.mark.parametrize(
    ("meta", "ident"),
    [
        ({"REMOTE_ADDR": NGINX, "HTTP_X_FORWARDED_FOR": "10.8.0.31"}, "10.8.0.31"),
        ({"REMOTE_ADDR": OUTSIDER, "HTTP_X_FORWARDED_FOR": "10.8.0.31"}, OUTSIDER),
        ({"REMOTE_ADDR": OUTSIDER}, OUTSIDER),
    ],
)
def test_sys3_api_throttle_counts_anonymous_callers_by_their_trusted_address(meta, ident):
    request = RequestFactory().get("/api/v1/units/", **meta)
    assert ApiRateThrottle().get_ident(request) == ident
