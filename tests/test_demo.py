"""The demo county (``load_demo``) loads, is rich enough to explore, and loads again unchanged.

It proves the demo's data, not the requirements behind it: those are proved where the features
are (tests/org, tests/accounts, tests/home/test_documents.py, …)."""

from io import StringIO

import pytest
from django.apps import apps
from django.core.management import call_command

from home.models import AssessmentDocumentPage, DocumentIndexPage
from kaohe.accounts.models import User
from kaohe.core.roles import RoleCode
from kaohe.org.models import Cadre, Team, Unit, UnitKind, WorkGroup

pytestmark = pytest.mark.django_db


def model_counts():
    return {model._meta.label: model._default_manager.count() for model in apps.get_models()}


def test_demo_county_is_complete_and_idempotent(settings, tmp_path, client):
    """load_demo twice gives the same data: 30+ units of several kinds, teams of 3-7, 150+ cadres,
    users per role, and assessment documents and manuals published on the portal with their files.
    """
    out = StringIO()
    call_command("load_demo", stdout=out)
    first = model_counts()
    call_command("load_demo", stdout=StringIO())
    second = model_counts()
    changed = {label: (first[label], second[label]) for label in first if first[label] != second[label]}
    # Sign-ins, sessions and search index rows are not demo data.
    changed = {
        k: v
        for k, v in changed.items()
        if not k.startswith(("accounts.SignInEvent", "sessions.", "wagtailsearch", "modelsearch"))
    }
    assert changed == {}

    assert Unit.objects.count() >= 30
    assert UnitKind.objects.filter(units__isnull=False).distinct().count() >= 4
    assert Cadre.objects.count() >= 150
    sizes = [team.memberships.count() for team in Team.objects.all()]
    assert sizes and min(sizes) >= 3 and max(sizes) <= 7
    assert WorkGroup.objects.filter(kind=WorkGroup.Kind.ASSESSMENT).exists()
    for code in RoleCode:
        assert User.objects.filter(groups__role__code=code, is_active=True).exists(), code
    documents = list(AssessmentDocumentPage.objects.live().select_related("category", "attachment"))
    assert {"考核文件", "操作手册"} <= {document.category.name for document in documents}
    assert all(document.attachment and document.attachment.file.size > 0 for document in documents)
    listing = client.get(DocumentIndexPage.objects.get().url).content.decode()
    assert all(document.title in listing for document in documents)
    printed = out.getvalue()
    assert "kaoheban" in printed and "kaohe2026" in printed
