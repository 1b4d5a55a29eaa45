"""PORTAL-4: site search finds pages, documents and units by two-character Chinese words.

The suite runs on SQLite (FTS5) and again on PostgreSQL in CI; these tests run
on whichever database is configured and check it is the real full-text
backend, not the ``icontains`` fallback that would pass without segmenting.
"""

import pytest
from django.db import connection
from wagtail.search.backends import get_search_backend

from home.models import AssessmentDocumentPage, DocumentCategory, DocumentIndexPage
from kaohe.core.cjk import cjk_index_text, cjk_query_text, cjk_tokens
from kaohe.org.models import Unit
from tests.factories import UnitFactory

pytestmark = pytest.mark.django_db


def publish_document(title, slug, **fields):
    # The manuals' category: its name (操作手册) shares no word with the queries below.
    index = DocumentIndexPage.objects.get()
    page = AssessmentDocumentPage(
        title=title, slug=slug, category=DocumentCategory.objects.get(slug="caozuo-shouce"), year=2026, **fields
    )
    index.add_child(instance=page)
    page.save_revision().publish()
    return page


def test_portal4_backend_is_the_databases_full_text_engine():
    """PORTAL-4: searches run on SQLite FTS5 or PostgreSQL full text, with the Chinese query rewriting."""
    backend = get_search_backend()
    expected = {"sqlite": "SQLiteSearchBackend", "postgresql": "PostgresSearchBackend"}[connection.vendor]
    assert type(backend).__name__ == f"CJK{expected}"


def test_portal4_two_character_word_inside_a_title_finds_the_document(client):
    """PORTAL-4: 考核 finds the page 县委组织部干部考核办法; an unrelated page is not found."""
    publish_document("县委组织部干部考核办法", "banfa")
    publish_document("测评账号使用说明", "shuoming")
    html = client.get("/search/", {"q": "考核"}).content.decode()
    assert "县委组织部干部考核办法" in html
    assert "测评账号使用说明" not in html


def test_portal4_words_in_the_body_and_summary_are_found(client):
    """PORTAL-4: a word only in a document's summary finds it."""
    publish_document("年度通知", "tongzhi", summary="部署领导班子综合测评工作")
    assert "年度通知" in client.get("/search/", {"q": "测评"}).content.decode()


def test_portal4_longer_phrase_must_match_as_a_whole(client):
    """PORTAL-4: 干部考核 finds the title containing it, not a title that has only 干部."""
    publish_document("县委组织部干部考核办法", "banfa")
    publish_document("干部培训与年度工作安排", "peixun")
    html = client.get("/search/", {"q": "干部考核"}).content.decode()
    assert "县委组织部干部考核办法" in html
    assert "干部培训与年度工作安排" not in html


def test_portal4_units_are_found_by_a_word_of_their_name_or_duties(client):
    """PORTAL-4: 水利 finds 县水利局; a word of the duties finds the unit too."""
    UnitFactory(name="县水利局", duties="负责防汛抗旱和水资源管理")
    UnitFactory(name="县教育局", duties="负责基础教育")
    assert [u.name for u in Unit.objects.search("水利")] == ["县水利局"]
    assert [u.name for u in Unit.objects.search("防汛")] == ["县水利局"]
    html = client.get("/search/", {"q": "水利"}).content.decode()
    assert "县水利局" in html and "县教育局" not in html


def test_portal4_unpublished_pages_are_not_found(client):
    """PORTAL-4: a draft document is not revealed by search."""
    index = DocumentIndexPage.objects.get()
    draft = AssessmentDocumentPage(
        title="未发布的考核草案", slug="draft", category=DocumentCategory.objects.first(), year=2026, live=False
    )
    index.add_child(instance=draft)
    assert "未发布的考核草案" not in client.get("/search/", {"q": "考核"}).content.decode()


def test_portal4_empty_or_overlong_query_is_handled(client):
    """PORTAL-4: an empty query shows the form; a 500-character query is cut, not an error."""
    assert client.get("/search/").status_code == 200
    assert client.get("/search/", {"q": "考" * 500}).status_code == 200


def test_portal4_tokens_are_unigrams_and_bigrams_of_chinese_runs():
    """PORTAL-4: the indexer stores each character and neighbouring pair; Latin words are kept."""
    assert cjk_tokens("考核办法") == ["考", "核", "办", "法", "考核", "核办", "办法"]
    assert cjk_index_text("GDP增长").startswith("GDP增长 ")
    assert cjk_query_text("干部考核") == "干部 部考 考核"
    assert cjk_query_text("县") == "县"
    assert cjk_query_text("GDP 增长率") == "GDP 增长 长率"
