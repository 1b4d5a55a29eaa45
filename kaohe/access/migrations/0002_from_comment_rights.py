"""The comments' rights table (CMT-2) folds into this one: each row the office had set
there becomes the same right here, so nothing a county decided changes.

Commenter kinds map to kinds of person: the public and the county leaders to
themselves, the office to its role, and the relative kinds "supervising department" and
"grassroots unit" (a unit's people, by whether their unit supervises the target) to every
role of a unit's people, as a scope: every unit's when grassroots units had the right,
their own and supervised units' when only supervising departments had it, none otherwise.
Rows equal to the defaults are not written, so they keep following the defaults.
"""

from django.db import migrations

UNIT_ROLES = ["system_admin", "assessment_group", "unit_admin", "team_member", "cadre", "editor"]


def copy_rights(apps, schema_editor):
    from kaohe.access.defaults import default_rule

    try:
        CommentRight = apps.get_model("comments", "CommentRight")
    except LookupError:
        return
    AccessRule = apps.get_model("access", "AccessRule")
    old = {(row.commenter_kind, row.target_type): row for row in CommentRight.objects.all()}
    if not old:
        return
    rows = {}
    for target in ("unit", "team", "goal"):
        subject = f"comments_{target}"
        for kind, key in (("public", "public"), ("county_leader", "role:county_leader"), ("office", "role:office")):
            row = old.get((kind, target))
            if row is None:
                rows[(key, subject)] = ("none", "none", "pre")
            else:
                rows[(key, subject)] = (
                    "all" if row.may_read else "none",
                    "all" if row.may_comment else "none",
                    row.moderation,
                )
        grassroots, supervising = old.get(("grassroots", target)), old.get(("supervising", target))

        def scope(attribute, grassroots=grassroots, supervising=supervising):
            if grassroots is not None and getattr(grassroots, attribute):
                return "all"
            if supervising is not None and getattr(supervising, attribute):
                return "supervised"
            return "none"

        speaking = grassroots if grassroots is not None and grassroots.may_comment else supervising
        moderation = speaking.moderation if speaking is not None else "pre"
        for role in UNIT_ROLES:
            rows[(f"role:{role}", subject)] = (scope("may_read"), scope("may_comment"), moderation)
    for (kind, subject), values in rows.items():
        if values == tuple(str(value) for value in default_rule(kind, subject)):
            continue
        read, comment, moderation = values
        AccessRule.objects.update_or_create(
            kind=kind, subject=subject, defaults={"read_scope": read, "comment_scope": comment, "moderation": moderation}
        )


class Migration(migrations.Migration):
    dependencies = [
        ("access", "0001_initial"),
        ("comments", "0002_default_types_and_rights"),
    ]

    operations = [migrations.RunPython(copy_rights, migrations.RunPython.noop)]
