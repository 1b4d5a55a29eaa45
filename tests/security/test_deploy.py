"""Issue 12 item 9: the lower-risk findings, each kept fixed (SYS-3, SYS-7, SYS-9).

Backups are the owner's only; a server without ``DJANGO_SETTINGS_MODULE`` does not serve the
development settings; ``load_demo`` does not plant a published password in a live database;
``pull_cadres`` keeps its key at home; the database's error text stays in the server log; and
cadres and team members do not read each other's birth dates through the API.
"""

import json
import stat
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.core.management import CommandError, call_command
from django.db import IntegrityError

from kaohe.core.roles import RoleCode
from kaohe.interop import sync
from kaohe.interop.backup import backup_create
from kaohe.interop.models import ApiClient
from tests.factories import CadreFactory, UnitFactory
from tests.interop.test_production import run

pytestmark = pytest.mark.django_db


# --- SYS-9: backups ----------------------------------------------------------------------


def mode(path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.mark.django_db(transaction=True)
def test_sys9_backups_are_0600_in_a_0700_folder_whatever_the_umask(tmp_path):
    import os

    folder = tmp_path / "backups"
    folder.mkdir(mode=0o755)
    os.chmod(folder, 0o755)
    old = os.umask(0o022)
    try:
        result = backup_create(directory=folder)
    finally:
        os.umask(old)
    assert mode(folder) == 0o700
    assert mode(result.path) == 0o600
    assert mode(result.path.with_name(result.path.name + ".sha256")) == 0o600
    fresh = backup_create(directory=tmp_path / "new" / "backups")
    assert mode(fresh.path.parent) == 0o700 and mode(fresh.path) == 0o600


# --- Issue 12 item 9: the served settings -------------------------------------------------------

WHICH = "import portal.wsgi; from django.conf import settings; print(settings.SETTINGS_MODULE, settings.DEBUG)"


def test_issue12_the_wsgi_entry_point_defaults_to_production():
    served = run(WHICH, DJANGO_SETTINGS_MODULE=None)
    assert served.returncode == 0, served.stderr
    assert served.stdout.split() == ["portal.settings.production", "False"]


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"SECRET_KEY": None}, "SECRET_KEY"),
        ({"SECRET_KEY": "dev-only-not-secret-8c7f3b9e2d" + "x" * 30}, "development key"),
        ({"ALLOWED_HOSTS": "*"}, "ALLOWED_HOSTS"),
        ({"DEBUG": "1"}, "DEBUG"),
    ],
)
def test_issue12_a_server_without_its_settings_refuses_development_defaults(overrides, message):
    served = run(WHICH, DJANGO_SETTINGS_MODULE=None, **overrides)
    assert served.returncode != 0
    assert "ImproperlyConfigured" in served.stderr and message in served.stderr


# --- load_demo -------------------------------------------------------------------------------


def test_sys3_load_demo_refuses_a_database_with_real_users(make_user):
    from kaohe.accounts.models import User
    from kaohe.interop.models import ApiClient

    make_user(RoleCode.OFFICE, username="zhangsan")
    with pytest.raises(CommandError, match="zhangsan"):
        call_command("load_demo")
    assert not User.objects.filter(username="kaoheban").exists()
    assert not ApiClient.objects.exists()


def test_sys3_load_demo_refuses_a_real_admin_named_like_the_demo_s(make_user):
    admin = make_user(RoleCode.SYSTEM_ADMIN, username="admin")
    admin.set_password("a-real-and-long-password")
    admin.save()
    with pytest.raises(CommandError, match="admin"):
        call_command("load_demo")
    admin.refresh_from_db()
    assert admin.check_password("a-real-and-long-password")


# --- SYS-3: pull_cadres keeps its key -------------------------------------------------------


class Recorder(ThreadingHTTPServer):
    """An HTTP server that answers every GET with ``answer(handler)`` and remembers the headers."""

    def __init__(self, answer):
        self.seen = []
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802 - the name http.server calls
                server.seen.append((self.path, self.headers.get("Authorization")))
                answer(self)

            def log_message(self, *args):
                pass

        super().__init__(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.serve_forever, daemon=True)
        self.thread.start()

    @property
    def base(self):
        return f"http://127.0.0.1:{self.server_port}/api/"

    def close(self):
        self.shutdown()
        self.server_close()


def test_sys3_pull_does_not_follow_a_redirect_to_another_server_with_the_key():
    def empty(handler):
        body = json.dumps({"next": None, "results": []}).encode()
        handler.send_response(200)
        handler.send_header("Content-Type", "application/json")
        handler.send_header("Content-Length", str(len(body)))
        handler.end_headers()
        handler.wfile.write(body)

    elsewhere = Recorder(empty)

    def redirect(handler):
        handler.send_response(302)
        handler.send_header("Location", elsewhere.base + "cadres/")
        handler.send_header("Content-Length", "0")
        handler.end_headers()

    system = Recorder(redirect)
    key = "abcd1234.the-other-system-key"
    try:
        with pytest.raises(CommandError, match=f"127.0.0.1:{elsewhere.server_port}"):
            call_command("pull_cadres", "--base-url", system.base, "--key", key)
    finally:
        system.close()
        elsewhere.close()
    assert system.seen and system.seen[0][1] == f"Bearer {key}"
    assert elsewhere.seen == [], "the other server never heard from us, let alone got the key"


# --- SYS-3: the database's own words stay in the log ----------------------------------------


def test_sys3_a_database_refusal_does_not_show_its_text_to_the_client(monkeypatch, caplog):
    UnitFactory(external_id="U-1")
    secret_detail = 'duplicate key value violates unique constraint "org_cadre_external_id_key" DETAIL: Key (x)=(y)'

    def refuse(self, target, *, created, before):
        raise IntegrityError(secret_detail)

    monkeypatch.setattr(sync.Upserter, "_write", refuse)
    outcome = sync.record_upsert(
        kind="cadres",
        external_id="GB-1",
        record={"external_id": "GB-1", "name": "王五", "sex": "male", "unit": "U-1", "position": "副局长"},
    )
    assert outcome.outcome == sync.REFUSED
    shown = json.dumps(outcome.as_dict(), ensure_ascii=False)
    assert "constraint" not in shown and "DETAIL" not in shown and "数据库拒绝" in shown
    assert secret_detail in caplog.text


# --- SYS-7: personnel data through the API --------------------------------------------------

SEES_PERSONAL_DATA = {RoleCode.OFFICE, RoleCode.SYSTEM_ADMIN, RoleCode.ASSESSMENT_GROUP, RoleCode.COUNTY_LEADER}


@pytest.mark.parametrize("role", [RoleCode.CADRE, RoleCode.TEAM_MEMBER, *sorted(SEES_PERSONAL_DATA)])
def test_sys7_birth_date_and_education_only_for_roles_that_keep_personnel_data(client, make_user, unit, role):
    CadreFactory(unit=unit, birth_date="1975-03-08", education="研究生")
    client.force_login(make_user(role, unit=unit))
    response = client.get("/api/v1/cadres/")
    assert response.status_code == 200
    rows = response.json()["results"]
    assert rows, "the role reads the cadre list"
    seen = any("birth_date" in row or "education" in row for row in rows)
    assert seen == (role in SEES_PERSONAL_DATA)
    assert ("1975-03-08" in response.content.decode()) == (role in SEES_PERSONAL_DATA)


def test_sys7_the_cadre_system_s_key_reads_personnel_data(key_client, unit):
    CadreFactory(unit=unit, birth_date="1975-03-08", education="研究生")
    response = key_client([ApiClient.Scope.READ_CADRES]).get("/api/v1/cadres/")
    assert response.status_code == 200
    assert response.json()["results"][0]["birth_date"] == "1975-03-08"
