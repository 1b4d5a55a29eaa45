"""The demo county's API client, with a published key so the API can be tried from the docs page.

Only for demonstrations: a real client's key is created in the admin and shown once.
"""

from django.conf import settings
from django.db import transaction

from .models import ApiClient

ORDER = 70
DEMO_CLIENT = "县干部管理信息系统（演示）"
# A demo key, printed by load_demo; never use load_demo on a real installation.
DEMO_KEY = "d3e0a001.kaohe2026-demo-api-key-not-for-production"


@transaction.atomic
def load(*, stdout=None) -> dict:
    client, _created = ApiClient.objects.get_or_create(
        name=DEMO_CLIENT,
        defaults={"description": "演示用：模拟县干部管理信息系统，推送单位、班子、干部和班子成员，读取考核结果。"},
    )
    client.scopes = [scope.value for scope in ApiClient.Scope]
    client.set_key(DEMO_KEY)
    client.revoked_at = None
    client.save()
    return {"api_client": client.name}


def sign_in_lines() -> list[str]:
    base = settings.WAGTAILADMIN_BASE_URL.rstrip("/")
    return [
        "",
        "数据交换接口 REST API（系统管理员或考核办登录后查看文档 / docs for admin and office）:",
        f"  API文档 docs        {base}/api/docs/",
        f"  演示密钥 demo key   {DEMO_KEY}",
        f"  示例 example        curl -H 'Authorization: Bearer {DEMO_KEY}' {base}/api/v1/units/",
    ]
