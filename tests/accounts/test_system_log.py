"""SYS-8: sign-ins, failed sign-ins and every change to records are logged and browsable."""

import pytest
from django.urls import reverse
from wagtail.models import ModelLogEntry

from kaohe.accounts.models import SignInEvent
from kaohe.core.roles import RoleCode
from tests.conftest import PASSWORD
from tests.factories import UnitFactory

pytestmark = pytest.mark.django_db


def test_sys8_sign_in_and_failed_sign_in_are_recorded_with_address(client, office_user):
    """SYS-8: a good and a bad password each leave a record with the user name and address."""
    client.post(
        reverse("accounts:login"), {"username": office_user.username, "password": "wrong"}, REMOTE_ADDR="10.1.2.3"
    )
    client.post(
        reverse("accounts:login"), {"username": office_user.username, "password": PASSWORD}, REMOTE_ADDR="10.1.2.3"
    )
    events = list(
        SignInEvent.objects.order_by("timestamp", "pk").values_list("username", "outcome", "ip_address", "user_id")
    )
    assert events == [
        (office_user.username, SignInEvent.Outcome.FAILURE, "10.1.2.3", None),
        (office_user.username, SignInEvent.Outcome.SUCCESS, "10.1.2.3", office_user.pk),
    ]


def test_sys8_admin_sign_in_is_recorded_too(client, office_user):
    """SYS-8: signing in on the Wagtail admin's own form is recorded like the portal's."""
    client.post(reverse("wagtailadmin_login"), {"username": office_user.username, "password": PASSWORD})
    assert SignInEvent.objects.filter(user=office_user, outcome=SignInEvent.Outcome.SUCCESS).exists()


def test_sys8_repeated_failures_lock_the_user_name_with_a_clear_message(client, office_user, settings):
    """SYS-8: after five wrong passwords even the right one is refused for a while, and the page says why."""
    settings.PORTAL_LOGIN_MAX_FAILURES = 5
    for _ in range(5):
        client.post(reverse("accounts:login"), {"username": office_user.username, "password": "wrong"})
    response = client.post(reverse("accounts:login"), {"username": office_user.username, "password": PASSWORD})
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session
    assert "15" in response.content.decode()  # "wait 15 minutes"
    assert SignInEvent.objects.filter(outcome=SignInEvent.Outcome.LOCKED).count() == 1


def test_sys8_system_administrator_browses_and_filters_the_sign_in_log(client, make_user, office_user):
    """SYS-8: the system administrator lists sign-ins, filtered by outcome; the office cannot open it."""
    SignInEvent.objects.create(username="zhangsan", outcome=SignInEvent.Outcome.FAILURE, ip_address="10.0.0.9")
    SignInEvent.objects.create(username="lisi", outcome=SignInEvent.Outcome.SUCCESS, ip_address="10.0.0.8")
    url = reverse("wagtailsnippets_accounts_signinevent:list")
    client.force_login(office_user)
    assert client.get(url).status_code in (302, 403)
    client.force_login(make_user(RoleCode.SYSTEM_ADMIN))
    page = client.get(url, {"outcome": SignInEvent.Outcome.FAILURE}).content.decode()
    assert "zhangsan" in page and "lisi" not in page


def test_sys8_changes_to_records_show_in_the_action_log_with_who_and_what(client, office_user, make_user):
    """SYS-8: editing a unit in the admin leaves a log entry with the user, and a revision showing the change."""
    unit = UnitFactory(name="县统计局", duties="旧职责")
    client.force_login(office_user)
    data = {
        "name": "县统计局",
        "short_name": "",
        "kind": unit.kind_id,
        "parent": "",
        "duties": "新职责",
        "internal_organisation": "",
        "contact_person": "",
        "contact_phone": "",
        "contact_email": "",
        "address": "",
        "external_id": "",
        "sort_order": 0,
        "is_active": "on",
    }
    assert client.post(reverse("wagtailsnippets_org_unit:edit", args=[unit.pk]), data).status_code == 302
    entry = ModelLogEntry.objects.get(object_id=str(unit.pk), action="wagtail.edit")
    assert entry.user == office_user
    assert entry.revision is not None and entry.revision.content["duties"] == "新职责"

    # The system administrator reads it in the action log (Wagtail's site history).
    client.force_login(make_user(RoleCode.SYSTEM_ADMIN))
    history = client.get(reverse("wagtailadmin_reports:site_history"), {"action": "wagtail.edit"}).content.decode()
    assert "县统计局" in history
    assert office_user.name in history


def test_sys8_deleting_a_record_is_logged(client, office_user):
    """SYS-8: deleting a unit leaves a 'deleted' log entry with who did it."""
    unit = UnitFactory(name="县临时机构")
    client.force_login(office_user)
    assert client.post(reverse("wagtailsnippets_org_unit:delete", args=[unit.pk])).status_code == 302
    entry = ModelLogEntry.objects.get(object_id=str(unit.pk), action="wagtail.delete")
    assert entry.user == office_user and entry.label == "县临时机构"
