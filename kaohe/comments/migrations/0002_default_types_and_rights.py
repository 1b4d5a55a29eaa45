"""The comment types and the rights table every county starts with; the office edits both in the admin.

Rights: everyone may read and comment on units, teams and goals; what the
public writes is reviewed before it appears, what signed-in officials write
appears at once (the office can reverse either per row or per comment type).
"""

from django.db import migrations

TYPES = [
    # name, is report, description
    ("点评", False, "对工作计划和完成情况的评价"),
    ("建议", False, "对改进工作的意见和建议"),
    ("举报", True, "反映问题线索，只有考核办可见"),
]
KINDS = ["county_leader", "office", "supervising", "grassroots", "public"]
TARGETS = ["unit", "team", "goal"]


def create(apps, schema_editor):
    CommentType = apps.get_model("comments", "CommentType")
    CommentRight = apps.get_model("comments", "CommentRight")
    for order, (name, is_report, description) in enumerate(TYPES):
        CommentType.objects.get_or_create(
            name=name, defaults={"is_report": is_report, "description": description, "sort_order": order}
        )
    for kind in KINDS:
        for target in TARGETS:
            CommentRight.objects.get_or_create(
                commenter_kind=kind,
                target_type=target,
                defaults={"may_read": True, "may_comment": True, "moderation": "pre" if kind == "public" else "post"},
            )


class Migration(migrations.Migration):
    dependencies = [("comments", "0001_initial")]

    operations = [migrations.RunPython(create, migrations.RunPython.noop)]
