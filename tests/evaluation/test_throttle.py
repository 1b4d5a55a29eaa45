"""EVAL-9: a meeting room whose evaluators share one network address is not locked out by other people's
typing errors, while guessing codes stays throttled.

Wrong codes count per browser (a random token the sign-in page gives it) and
per code prefix first; the per-address limit is that of a room of about 500
people and configurable; the address comes from trusted proxies only; counts
live in the Django cache shared by all workers; a throttled answer is 429 with
Retry-After.
"""

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection
from django.test import Client, override_settings
from django.urls import reverse

from kaohe.evaluation.models import EvaluationAccount, EvaluatorCategory
from portal.settings import base as base_settings
from tests.evaluation.factories import issue_account, make_task

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fresh_cache")]
ROOM = "10.20.30.40"  # the address the whole meeting room shows behind the intranet's NAT


def wrong_code(number: int) -> str:
    """A well-formed code that belongs to nobody, each with its own first group."""
    alphabet = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
    head = alphabet[number % 31] + alphabet[(number // 31) % 31] + "ZZ"
    return f"{head}-ZZZZ-ZZZZ-ZZZZ-Z"


def evaluator(**extra):
    """A browser in the meeting room that has opened the sign-in page (and so holds its token)."""
    browser = Client(REMOTE_ADDR=ROOM, **extra)
    assert browser.get(reverse("evaluation:sign_in")).status_code == 200
    return browser


def sign_in(browser, code, **extra):
    return browser.post(reverse("evaluation:sign_in"), {"code": code}, **extra)


def room_task(people):
    task = make_task()
    category = EvaluatorCategory.objects.get(name="分管领导")
    return task, [issue_account(task, category)[1] for _ in range(people)]


def test_eval9_a_room_of_evaluators_behind_one_address_each_mistyping_twice_all_sign_in():
    """EVAL-9: 60 evaluators share one address; each mistypes twice (120 wrong codes, four times the old limit of
    30 per address); every one of them then signs in.
    """
    _task, codes_ = room_task(60)
    browsers = [evaluator() for _ in codes_]
    for index, browser in enumerate(browsers):
        for attempt in range(2):
            assert sign_in(browser, wrong_code(index * 2 + attempt)).status_code == 403
    for browser, code in zip(browsers, codes_, strict=True):
        assert sign_in(browser, code).status_code == 302
    assert EvaluationAccount.objects.filter(status=EvaluationAccount.Status.SIGNED_IN).count() == 60


def test_eval9_one_browser_that_keeps_guessing_is_stopped_with_429_and_its_neighbour_is_not(settings):
    """EVAL-9: past the per-browser limit that browser gets 429 with Retry-After, even for a right code; the
    evaluator next to it, on the same address, signs in.
    """
    settings.EVALUATION_SIGN_IN_MAX_FAILURES_PER_BROWSER = 4
    settings.EVALUATION_SIGN_IN_WINDOW_SECONDS = 600
    _task, (mine, neighbours) = room_task(2)
    guesser = evaluator()
    for number in range(4):
        assert sign_in(guesser, wrong_code(number)).status_code == 403
    blocked = sign_in(guesser, mine)
    assert blocked.status_code == 429 and "尝试次数过多" in blocked.content.decode()
    assert 0 < int(blocked["Retry-After"]) <= 600
    assert sign_in(evaluator(), neighbours).status_code == 302


def test_eval9_a_client_dropping_its_cookie_meets_the_per_address_limit_which_is_configurable(settings):
    """EVAL-9: a script that never keeps the browser token is stopped by the per-address limit (set here to 8;
    about 500 by default), with 429 and Retry-After.
    """
    assert base_settings.EVALUATION_SIGN_IN_MAX_FAILURES_PER_IP == 500
    settings.EVALUATION_SIGN_IN_MAX_FAILURES_PER_IP = 8
    _task, (code,) = room_task(1)
    for number in range(8):
        assert sign_in(Client(REMOTE_ADDR=ROOM), wrong_code(number)).status_code == 403
    blocked = sign_in(Client(REMOTE_ADDR=ROOM), code)
    assert blocked.status_code == 429 and int(blocked["Retry-After"]) > 0
    # Another room is not affected.
    assert sign_in(Client(REMOTE_ADDR="10.20.31.1"), code).status_code == 302


def test_eval9_guessing_one_code_from_many_browsers_is_stopped_per_code_prefix(settings):
    """EVAL-9: guessing the rest of one code from fresh browsers and addresses stops at the per-prefix limit."""
    settings.EVALUATION_SIGN_IN_MAX_FAILURES_PER_PREFIX = 3
    _task, (code,) = room_task(1)
    prefix = code[:4]
    for index in range(3):
        guess = prefix + "Z" * 12 + "23456789"[index]
        assert sign_in(Client(REMOTE_ADDR=f"10.0.1.{index}"), guess).status_code == 403
    blocked = sign_in(Client(REMOTE_ADDR="10.0.2.1"), code)
    assert blocked.status_code == 429 and blocked["Retry-After"]


def test_eval9_forwarded_headers_count_only_from_trusted_proxies(settings):
    """EVAL-9: a client that sets its own X-Forwarded-For / X-Real-IP is counted by its real address; behind a
    trusted proxy, two rooms are told apart by the proxy's header.
    """
    settings.EVALUATION_SIGN_IN_MAX_FAILURES_PER_IP = 3
    settings.TRUSTED_PROXIES = ["127.0.0.1/32"]
    _task, (code,) = room_task(1)
    for number in range(3):
        forged = {"HTTP_X_FORWARDED_FOR": f"192.0.2.{number}", "HTTP_X_REAL_IP": f"198.51.100.{number}"}
        assert sign_in(Client(REMOTE_ADDR="10.9.9.9"), wrong_code(number), **forged).status_code == 403
    assert sign_in(Client(REMOTE_ADDR="10.9.9.9"), code, HTTP_X_FORWARDED_FOR="192.0.2.99").status_code == 429
    # Through the trusted proxy: room A used up its limit, room B signs in.
    for number in range(3):
        sign_in(Client(REMOTE_ADDR="127.0.0.1"), wrong_code(10 + number), HTTP_X_FORWARDED_FOR="10.1.0.1")
    via_a = sign_in(Client(REMOTE_ADDR="127.0.0.1"), code, HTTP_X_FORWARDED_FOR="10.1.0.1")
    assert via_a.status_code == 429
    assert sign_in(Client(REMOTE_ADDR="127.0.0.1"), code, HTTP_X_FORWARDED_FOR="10.2.0.1").status_code == 302


def test_eval9_wrong_receipts_are_throttled_with_429_and_retry_after(settings):
    """EVAL-9: checking receipts is throttled the same way: 429 with Retry-After."""
    settings.EVALUATION_SIGN_IN_MAX_FAILURES_PER_IP = 2
    browser = Client(REMOTE_ADDR=ROOM)
    for _ in range(2):
        assert browser.post(reverse("evaluation:receipt"), {"receipt": "2222-2222-2222"}).status_code == 404
    blocked = browser.post(reverse("evaluation:receipt"), {"receipt": "3333-3333-3333"})
    assert blocked.status_code == 429 and int(blocked["Retry-After"]) > 0


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_eval9_the_counts_live_in_the_shared_database_cache_without_addresses_in_clear():
    """EVAL-9, EVAL-10: with the portal's default cache (the database's), a second worker process sees the first
    one's counts; the cache table holds neither the address nor the code.
    """
    db_cache = {"default": {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "kaohe_cache"}}
    with override_settings(CACHES=db_cache, EVALUATION_SIGN_IN_MAX_FAILURES_PER_IP=2):
        call_command("createcachetable", verbosity=0)
        _task, (code,) = room_task(1)
        for number in range(2):
            sign_in(Client(REMOTE_ADDR=ROOM), wrong_code(number))
        with connection.cursor() as cursor:
            cursor.execute("SELECT cache_key, value FROM kaohe_cache")
            rows = cursor.fetchall()
        assert rows and ROOM not in repr(rows) and "ZZZZ" not in repr(rows)
        # A new connection, as another gunicorn worker would have, reads the same counts.
        connection.close()
        assert sign_in(Client(REMOTE_ADDR=ROOM), code).status_code == 429
        cache.clear()
