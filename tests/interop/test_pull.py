"""SYS-3: the portal pulls cadres from the cadre-management system, page by page.

A small HTTP server in the test plays the other system.
"""

import json
import threading
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.core.management import CommandError, call_command

from kaohe.interop.models import ExchangeRecord
from kaohe.org.models import Cadre
from tests.factories import CadreFactory, UnitFactory

pytestmark = pytest.mark.django_db

KEY = "abcd1234.other-system-secret"


def cadre(n, **fields):
    return {
        "external_id": f"GB-{n:04d}",
        "name": f"干部{n}",
        "sex": "female",
        "unit": "U-1",
        "position": "副局长",
        **fields,
    }


class CadreSystem:
    """Serves ``/api/cadres/`` in pages of the portal's own shape; remembers each request."""

    def __init__(self, records, *, next_url=None):
        self.records = records
        self.next_url = next_url
        self.requests = []
        system = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802 - the name http.server calls
                system.requests.append((self.path, self.headers.get("Authorization")))
                if self.headers.get("Authorization") != f"Bearer {KEY}":
                    return self.answer(401, {"detail": "bad key"})
                url = urllib.parse.urlsplit(self.path)
                query = dict(urllib.parse.parse_qsl(url.query))
                if url.path != "/api/cadres/":
                    return self.answer(404, {"detail": "not found"})
                size, page = int(query.get("page_size", 2)), int(query.get("page", 1))
                rows = system.records[(page - 1) * size : page * size]
                more = page * size < len(system.records)
                following = system.next_url or (f"/api/cadres/?page={page + 1}&page_size={size}" if more else None)
                return self.answer(200, {"count": len(system.records), "next": following, "results": rows})

            def answer(self, status, body):
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.base = f"http://127.0.0.1:{self.server.server_port}/api/"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def county(db):
    return UnitFactory(external_id="U-1", name="县民政局")


def test_sys3_pull_fetches_every_page_and_applies_cadres_like_a_push(county, monkeypatch, capsys):
    """SYS-3: all pages are fetched with the key; new cadres are created, known ones updated, bad ones refused
    and logged.
    """
    CadreFactory(external_id="GB-0001", name="干部1", unit=county, position="科员", sex="female")
    records = [cadre(n) for n in range(1, 6)] + [cadre(6, unit="U-404"), cadre(7, sex="?")]
    monkeypatch.setenv("CADRE_SYSTEM_API_KEY", KEY)
    with CadreSystem(records) as system:
        call_command("pull_cadres", "--base-url", system.base, "--page-size", "3")
    assert [path for path, _auth in system.requests] == [
        "/api/cadres/?page_size=3",
        "/api/cadres/?page=2&page_size=3",
        "/api/cadres/?page=3&page_size=3",
    ]
    assert Cadre.objects.filter(external_id__startswith="GB-").count() == 5
    assert Cadre.objects.get(external_id="GB-0001").position == "副局长"
    line = ExchangeRecord.objects.get()
    assert (line.direction, line.operation, line.outcome) == ("pull", "cadres.pull", "partial")
    assert (line.record_count, line.created_count, line.updated_count, line.refused_count) == (7, 4, 1, 2)
    assert [item["external_id"] for item in line.refusals] == ["GB-0006", "GB-0007"]
    assert [item["index"] for item in line.refusals] == [5, 6]
    out = capsys.readouterr().out
    assert "GB-0006" in out and "U-404" in out


def test_sys3_pull_again_changes_nothing(county):
    """SYS-3: pulling the same data twice leaves every record unchanged."""
    records = [cadre(n) for n in range(1, 4)]
    with CadreSystem(records) as system:
        call_command("pull_cadres", "--base-url", system.base, "--key", KEY)
        call_command("pull_cadres", "--base-url", system.base, "--key", KEY)
    second = ExchangeRecord.objects.order_by("pk").last()
    assert (second.unchanged_count, second.created_count, second.outcome) == (3, 0, "success")


def test_sys3_pull_passes_changed_since(county):
    """SYS-3: --since asks the other system only for recent changes."""
    with CadreSystem([]) as system:
        call_command("pull_cadres", "--base-url", system.base, "--key", KEY, "--since", "2026-01-01T00:00:00+08:00")
    assert "changed_since=2026-01-01T00%3A00%3A00%2B08%3A00" in system.requests[0][0]


def test_sys3_pull_with_a_wrong_key_fails_clearly_and_is_logged(county):
    """SYS-3: a refused key stops the pull with a message; the log says it failed."""
    with CadreSystem([cadre(1)]) as system, pytest.raises(CommandError, match="401"):
        call_command("pull_cadres", "--base-url", system.base, "--key", "wrong.key")
    assert not Cadre.objects.filter(external_id="GB-0001").exists()
    line = ExchangeRecord.objects.get()
    assert line.outcome == "error" and "401" in line.message


def test_sys3_pull_from_an_unreachable_system_fails_clearly(county):
    """SYS-3: no server at the address: a message, a log line, nothing changed."""
    with CadreSystem([]) as system:
        base = system.base
    with pytest.raises(CommandError, match="无法连接"):
        call_command("pull_cadres", "--base-url", base, "--key", KEY, "--timeout", "2")
    assert ExchangeRecord.objects.get().outcome == "error"


def test_sys3_pull_does_not_follow_pages_to_another_server(county):
    """SYS-3: a "next" link to another host is not followed, so the key is not sent there; earlier pages stay
    applied.
    """
    with (
        CadreSystem([cadre(1)], next_url="http://evil.example/steal") as system,
        pytest.raises(CommandError, match="evil.example"),
    ):
        call_command("pull_cadres", "--base-url", system.base, "--key", KEY)
    assert len(system.requests) == 1
    assert Cadre.objects.filter(external_id="GB-0001").exists()


def test_sys3_pull_needs_a_key_and_an_http_address(county, monkeypatch):
    """SYS-3: missing key or a non-HTTP address: a message before anything is fetched."""
    monkeypatch.delenv("CADRE_SYSTEM_API_KEY", raising=False)
    with pytest.raises(CommandError, match="CADRE_SYSTEM_API_KEY"):
        call_command("pull_cadres", "--base-url", "http://127.0.0.1:9/api/")
    with pytest.raises(CommandError, match="http"):
        call_command("pull_cadres", "--base-url", "file:///etc/passwd", "--key", KEY)
    assert not ExchangeRecord.objects.exists()
