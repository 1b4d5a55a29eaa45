"""SYS-3: the cadre-management system pushes units, teams, cadres and memberships.

A push is an idempotent upsert keyed by the other system's identifiers; a
bulk push reports per record what was created, updated or refused and why,
and a refused record changes nothing.
"""

import json
from datetime import date

import pytest
from wagtail.models import ReferenceIndex

from kaohe.interop.models import ExchangeRecord
from kaohe.org.models import Cadre, Membership, Team, Unit
from tests.factories import CadreFactory, MembershipFactory, TeamFactory, UnitFactory, UnitKindFactory

pytestmark = pytest.mark.django_db


def cadre(external_id, **fields):
    return {"external_id": external_id, "name": "李明", "sex": "male", "unit": "U-1", "position": "副局长", **fields}


@pytest.fixture
def county(db):
    kind = UnitKindFactory(name="县政府工作部门")
    return UnitFactory(name="县审计局", external_id="U-1", kind=kind)


def test_sys3_single_push_creates_then_updates_then_changes_nothing(writer, county):
    """SYS-3: PUT with the same identifier twice is the same as once; a change updates the record in place."""
    first = writer.put("/api/v1/cadres/C-1/", cadre("C-1", birth_date="1975-03-02"), format="json")
    assert first.status_code == 201
    body = first.json()
    assert body["external_id"] == "C-1" and body["unit"] == "U-1" and body["birth_date"] == "1975-03-02"
    stamp = Cadre.objects.get(external_id="C-1").updated_at

    again = writer.put("/api/v1/cadres/C-1/", cadre("C-1", birth_date="1975-03-02"), format="json")
    assert again.status_code == 200
    assert Cadre.objects.get(external_id="C-1").updated_at == stamp  # unchanged: not even touched

    changed = writer.put("/api/v1/cadres/C-1/", cadre("C-1", position="局长"), format="json")
    assert changed.status_code == 200 and changed.json()["position"] == "局长"
    assert Cadre.objects.filter(external_id="C-1").count() == 1
    outcomes = list(
        ExchangeRecord.objects.order_by("pk").values_list("created_count", "updated_count", "unchanged_count")
    )
    assert outcomes == [(1, 0, 0), (0, 0, 1), (0, 1, 0)]


def test_sys3_refused_single_push_gets_reasons_and_changes_nothing(writer, county):
    """SYS-3: a bad record gets 400 with the reasons by field (in Chinese) and the stored record stays as it was."""
    CadreFactory(external_id="C-1", name="王芳", unit=county, position="局长")
    response = writer.put(
        "/api/v1/cadres/C-1/",
        cadre("C-1", name="王芳", sex="unknown", unit="U-404", birth_date="1975-13-40"),
        format="json",
    )
    assert response.status_code == 400
    errors = response.json()
    assert set(errors) == {"sex", "unit", "birth_date"}
    assert "U-404" in errors["unit"][0] and "单位" in errors["unit"][0]
    stored = Cadre.objects.get(external_id="C-1")
    assert (stored.position, stored.unit) == ("局长", county)
    log = ExchangeRecord.objects.get()
    assert log.outcome == "refused" and log.refused_count == 1 and log.refusals[0]["errors"]["sex"]


def test_sys3_identifier_in_body_must_match_the_address(writer, county):
    """SYS-3: a record cannot be moved to another identifier by a PUT."""
    response = writer.put("/api/v1/cadres/C-1/", cadre("C-2"), format="json")
    assert response.status_code == 400 and "external_id" in response.json()
    assert not Cadre.objects.exists()


def test_sys3_bulk_push_reports_each_record_and_refused_ones_change_nothing(writer, county):
    """SYS-3: created, updated, unchanged and refused, each with its reasons; the good ones land, the bad ones
    leave nothing.
    """
    CadreFactory(external_id="C-2", name="赵强", unit=county, position="副局长", sex="male")
    CadreFactory(external_id="C-3", name="钱红", unit=county, position="局长", sex="female")
    records = [
        cadre("C-1"),  # new
        cadre("C-2", name="赵强", position="局长"),  # changed
        cadre("C-3", name="钱红", sex="female", position="局长"),  # as stored
        cadre("C-4", unit="U-404"),  # unknown unit
        cadre("C-2", name="", position="副主任"),  # a later bad update of C-2 must not undo the good one
        "not a record",
        cadre("", name="无标识"),
        cadre("C-5", birth_date="not a date", rank="emperor"),
    ]
    response = writer.post("/api/v1/cadres/bulk/", {"records": records}, format="json")
    assert response.status_code == 200
    report = response.json()
    assert [r["outcome"] for r in report["results"]] == [
        "created",
        "updated",
        "unchanged",
        "refused",
        "refused",
        "refused",
        "refused",
        "refused",
    ]
    assert (report["total"], report["created"], report["updated"], report["unchanged"], report["refused"]) == (
        8,
        1,
        1,
        1,
        5,
    )
    by_index = {r["index"]: r for r in report["results"]}
    assert "U-404" in by_index[3]["errors"]["unit"][0]
    assert set(by_index[4]["errors"]) == {"name"}
    assert by_index[5]["errors"]["non_field_errors"]
    assert "external_id" in by_index[6]["errors"]
    assert set(by_index[7]["errors"]) == {"birth_date", "rank"}
    assert by_index[0]["id"] == Cadre.objects.get(external_id="C-1").pk

    assert Cadre.objects.get(external_id="C-2").position == "局长"
    assert not Cadre.objects.filter(external_id__in=["C-4", "C-5"]).exists()
    assert Cadre.objects.count() == 3

    log = ExchangeRecord.objects.get(pk=report["exchange"])
    assert (log.outcome, log.record_count, log.refused_count, log.created_count) == ("partial", 8, 5, 1)
    assert [item["index"] for item in log.refusals] == [3, 4, 5, 6, 7]


def test_sys3_bulk_push_of_every_kind_may_refer_to_records_earlier_in_the_list(writer):
    """SYS-3: units with their parent, teams, cadres and memberships, keyed by the other system's identifiers."""
    UnitKindFactory(name="乡镇")
    units = [
        {"external_id": "U-10", "name": "青山镇", "kind": "乡镇"},
        {"external_id": "U-11", "name": "青山镇便民服务中心", "kind": "乡镇", "parent": "U-10"},
        {"external_id": "U-12", "name": "无此类别", "kind": "星球"},
    ]
    report = writer.post("/api/v1/units/bulk/", {"records": units}, format="json").json()
    assert [r["outcome"] for r in report["results"]] == ["created", "created", "refused"]
    assert "星球" in report["results"][2]["errors"]["kind"][0]
    assert Unit.objects.get(external_id="U-11").parent.external_id == "U-10"

    teams = [{"external_id": "T-10", "unit": "U-10", "name": "青山镇党政领导班子", "team_type": "party_government"}]
    assert writer.post("/api/v1/teams/bulk/", {"records": teams}, format="json").json()["created"] == 1
    cadres = [
        {"external_id": "C-10", "name": "孙立新", "sex": "male", "unit": "U-10", "position": "镇党委书记"},
        {"external_id": "C-11", "name": "周敏", "sex": "female", "unit": "U-10", "position": "镇长"},
    ]
    assert writer.post("/api/v1/cadres/bulk/", {"records": cadres}, format="json").json()["created"] == 2
    seats = [
        {"external_id": "M-1", "team": "T-10", "cadre": "C-10", "party_post": "党委书记", "start_date": "2023-01-01"},
        {
            "external_id": "M-2",
            "team": "T-10",
            "cadre": "C-11",
            "administrative_post": "镇长",
            "start_date": "2023-01-01",
        },
        # The same cadre twice in one team at once: the admin's rule refuses it here too.
        {"external_id": "M-3", "team": "T-10", "cadre": "C-10", "administrative_post": "副镇长"},
        {"external_id": "M-4", "team": "T-10", "cadre": "C-11", "start_date": "2024-05-01", "end_date": "2024-01-01"},
    ]
    report = writer.post("/api/v1/memberships/bulk/", {"records": seats}, format="json").json()
    assert [r["outcome"] for r in report["results"]] == ["created", "created", "refused", "refused"]
    assert "孙立新" in report["results"][2]["errors"]["cadre"][0]
    assert report["results"][3]["errors"]
    assert list(
        Membership.objects.filter(team__external_id="T-10")
        .values_list("external_id", flat=True)
        .order_by("external_id")
    ) == ["M-1", "M-2"]


def test_sys3_unit_loops_and_duplicate_names_are_refused(writer):
    """SYS-3: the models' own rules (no unit under itself, unique names) apply to pushed records."""
    kind = UnitKindFactory(name="县政府工作部门")
    parent = UnitFactory(external_id="U-1", name="县政府办公室", kind=kind)
    UnitFactory(external_id="U-2", name="县政务服务中心", kind=kind, parent=parent)
    records = [
        {"external_id": "U-1", "name": "县政府办公室", "kind": "县政府工作部门", "parent": "U-2"},
        {"external_id": "U-3", "name": "县政府办公室", "kind": "县政府工作部门"},
    ]
    report = writer.post("/api/v1/units/bulk/", {"records": records}, format="json").json()
    assert [r["outcome"] for r in report["results"]] == ["refused", "refused"]
    assert Unit.objects.get(external_id="U-1").parent is None
    assert not Unit.objects.filter(external_id="U-3").exists()


def test_sys3_bulk_pushed_records_are_found_by_site_search_and_in_the_reference_index(writer, county):
    """PORTAL-4, SYS-3: records written in bulk are indexed like records saved one by one."""
    records = [cadre(f"C-{n}", name=f"欧阳{n}", position="审计局总审计师") for n in range(3)]
    writer.post("/api/v1/cadres/bulk/", {"records": records}, format="json")
    assert Cadre.objects.search("总审计师").count() == 3
    assert ReferenceIndex.get_references_to(county).count() == 3
    writer.post("/api/v1/cadres/bulk/", {"records": [cadre("C-0", name="欧阳0", position="副局长")]}, format="json")
    assert Cadre.objects.search("总审计师").count() == 2


def test_sys3_bulk_size_is_limited_and_body_must_be_a_list(writer, settings):
    """SYS-3: a malformed body or too many records get 400 with a message, and nothing is written."""
    settings.INTEROP_MAX_BULK_RECORDS = 2
    assert writer.post("/api/v1/cadres/bulk/", {"records": "x"}, format="json").status_code == 400
    assert writer.post("/api/v1/cadres/bulk/", [1, 2], format="json").status_code == 400
    response = writer.post("/api/v1/cadres/bulk/", {"records": [cadre("A"), cadre("B"), cadre("C")]}, format="json")
    assert response.status_code == 400 and "2" in response.json()["records"][0]
    assert not Cadre.objects.exists()


def test_sys3_bulk_push_of_5000_cadres_with_bad_records(writer, county):
    """SYS-3 reliability: 5,000 cadres with some bad ones: the good ones land, the bad ones are reported, nothing
    half-written.
    """
    records = [cadre(f"C-{n:05d}", name=f"干部{n}") for n in range(5000)]
    bad = {17: {"sex": "?"}, 1234: {"unit": "U-404"}, 2500: {"name": ""}, 4999: {"birth_date": "2024-02-30"}}
    for index, change in bad.items():
        records[index].update(change)
    response = writer.post("/api/v1/cadres/bulk/", {"records": records}, format="json")
    report = response.json()
    assert (report["created"], report["refused"]) == (4996, 4)
    assert [r["index"] for r in report["results"] if r["outcome"] == "refused"] == sorted(bad)
    assert Cadre.objects.count() == 4996
    assert not Cadre.objects.filter(external_id__in=[records[i]["external_id"] for i in bad]).exists()


def test_sys3_pushing_the_same_bulk_twice_changes_nothing_the_second_time(writer, county):
    """SYS-3: idempotent: the second identical push reports every record unchanged and writes nothing."""
    records = [cadre(f"C-{n}", name=f"干部{n}", birth_date=str(date(1970, 1, 1 + n))) for n in range(20)]
    writer.post("/api/v1/cadres/bulk/", {"records": records}, format="json")
    stamps = dict(Cadre.objects.values_list("external_id", "updated_at"))
    report = writer.post("/api/v1/cadres/bulk/", {"records": records}, format="json").json()
    assert report["unchanged"] == 20
    assert dict(Cadre.objects.values_list("external_id", "updated_at")) == stamps


def test_sys3_teams_and_memberships_keep_portal_records_without_identifiers(writer):
    """SYS-3: records the office made in the admin (no external identifier) are left alone by pushes."""
    team = TeamFactory(external_id="T-1")
    own = MembershipFactory(team=team)
    seat = {
        "external_id": "M-9",
        "team": "T-1",
        "cadre": CadreFactory(external_id="C-9").external_id,
        "party_post": "委员",
    }
    assert writer.post("/api/v1/memberships/bulk/", {"records": [seat]}, format="json").json()["created"] == 1
    assert Membership.objects.filter(pk=own.pk).exists()
    assert Team.objects.count() == 1


def test_sys3_a_record_the_database_refuses_at_write_time_is_refused_alone(writer, county, monkeypatch):
    """SYS-3: if another writer created the same identifier meanwhile, that record is refused and the others land."""
    from kaohe.interop import sync

    CadreFactory(external_id="C-2", name="抢先写入", unit=county)
    # Simulate the race: the lookup of existing identifiers misses the record written meanwhile.
    real = sync.Upserter.load_existing
    monkeypatch.setattr(sync.Upserter, "load_existing", lambda self, keys: real(self, [k for k in keys if k != "C-2"]))
    records = [cadre("C-1"), cadre("C-2"), cadre("C-3")]
    report = writer.post("/api/v1/cadres/bulk/", {"records": records}, format="json").json()
    assert [r["outcome"] for r in report["results"]] == ["created", "refused", "created"]
    assert report["results"][1]["errors"]["non_field_errors"]
    assert Cadre.objects.get(external_id="C-2").name == "抢先写入"
    assert set(Cadre.objects.values_list("external_id", flat=True)) == {"C-1", "C-2", "C-3"}


def test_sys3_text_the_database_cannot_store_is_refused_not_a_server_error(writer, county):
    """SYS-3: NUL characters (PostgreSQL refuses them) and broken Unicode get a refusal with a reason, never a 500."""
    records = [
        cadre("C-\x00"),
        cadre("C-2", name="李\x00明"),
        cadre("C-3", unit="U-\x00"),
        cadre("C-4", position="\ud800"),
        cadre("C-5"),
    ]
    # Escaped JSON, as a client would send it: the lone surrogate only exists once parsed.
    body = json.dumps({"records": records}, ensure_ascii=True)
    report = writer.post("/api/v1/cadres/bulk/", body, content_type="application/json").json()
    assert [r["outcome"] for r in report["results"]] == ["refused"] * 4 + ["created"]
    assert set(report["results"][1]["errors"]) == {"name"}
    assert writer.get("/api/v1/cadres/C-%00/").status_code == 404
    assert writer.put("/api/v1/cadres/C-%00/", cadre("C-x"), format="json").status_code == 400
    assert writer.get("/api/v1/cadres/", {"unit": "U-\x00"}).status_code == 400
    assert list(Cadre.objects.values_list("external_id", flat=True)) == ["C-5"]


def test_sys3_the_same_identifier_twice_in_one_bulk_is_created_then_updated(writer, county):
    """SYS-3: a list that repeats a record applies both in order; the record is indexed once, with its last values."""
    records = [cadre("C-1", position="副局长"), cadre("C-1", position="审计局总审计师")]
    report = writer.post("/api/v1/cadres/bulk/", {"records": records}, format="json").json()
    assert [r["outcome"] for r in report["results"]] == ["created", "updated"]
    assert Cadre.objects.get(external_id="C-1").position == "审计局总审计师"
    assert Cadre.objects.search("总审计师").count() == 1


def test_sys3_changed_since_accepts_any_utc_offset(writer, county):
    """SYS-3: a time with an unusual offset is compared in UTC instead of failing."""
    writer.put("/api/v1/cadres/C-1/", cadre("C-1"), format="json")
    response = writer.get("/api/v1/cadres/", {"changed_since": "2000-07-02T13:55:24.50-17:55"})
    assert response.status_code == 200 and response.json()["count"] == 1


def test_sys3_identifiers_that_clash_with_the_addresses_are_refused(writer, county):
    """SYS-3: a record called “bulk” (or with a “/”) could never be read back by its address: refused with a reason."""
    report = writer.post(
        "/api/v1/cadres/bulk/", {"records": [cadre("bulk"), cadre("A/B"), cadre("C-1")]}, format="json"
    ).json()
    assert [r["outcome"] for r in report["results"]] == ["refused", "refused", "created"]
    assert "bulk" in report["results"][0]["errors"]["external_id"][0]
    assert writer.put("/api/v1/cadres/bulk/", cadre("bulk"), format="json").status_code == 405
