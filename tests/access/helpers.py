"""Setting the office's rights in tests, as the rights screen would (SYS-11)."""

from kaohe.access.defaults import default_rule
from kaohe.access.models import AccessRule
from kaohe.access.selectors import rules_changed


def set_right(kind: str, subject: str, *, read=None, comment=None, moderation=None) -> AccessRule:
    """Change one cell of the table; what is not given keeps its current value (or default)."""
    row = AccessRule.objects.filter(kind=kind, subject=subject).first()
    current = (row.read_scope, row.comment_scope, row.moderation) if row else default_rule(kind, subject)
    values = {
        "read_scope": read or current[0],
        "comment_scope": comment or current[1],
        "moderation": moderation or current[2],
    }
    rule, _created = AccessRule.objects.update_or_create(kind=kind, subject=subject, defaults=values)
    rules_changed()
    return rule


def rights_form_data(client) -> dict:
    """Every cell of the rights screen as it stands (the office's client must be signed in)."""
    from django.urls import reverse

    form = client.get(reverse("access_admin:rights")).context["form"]
    return {name: form[name].value() for name in form.fields}
