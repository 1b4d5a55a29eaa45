"""Writes of the rights table (SYS-11)."""

from __future__ import annotations

from django.db import transaction
from wagtail.log_actions import log

from .defaults import default_rule
from .models import AccessRule
from .selectors import rules_changed


@transaction.atomic
def access_rules_save(*, user, rows: dict[tuple[str, str], tuple[str, str, str]]) -> int:
    """Store the office's table: one row per (kind, subject), all or nothing. Returns how
    many rows changed. Each changed row is logged (SYS-8); cached public pages expire."""
    existing = {(rule.kind, rule.subject): rule for rule in AccessRule.objects.select_for_update()}
    changed = 0
    for (kind, subject), (read, comment, moderation) in rows.items():
        rule = existing.get((kind, subject))
        if rule is None:
            if (read, comment, moderation) == default_rule(kind, subject):
                continue  # an untouched default stays a default
            rule = AccessRule(kind=kind, subject=subject)
        elif (rule.read_scope, rule.comment_scope, rule.moderation) == (read, comment, moderation):
            continue
        rule.read_scope, rule.comment_scope, rule.moderation = read, comment, moderation
        rule.full_clean()
        rule.save()
        log(instance=rule, action="wagtail.edit", user=user)
        changed += 1
    transaction.on_commit(rules_changed)
    return changed
