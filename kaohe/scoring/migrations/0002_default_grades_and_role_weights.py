"""The grade table and role weights every county starts with; the office edits both in the admin."""

from decimal import Decimal

from django.db import migrations

GRADES = [
    ("完成", Decimal("100"), "全面完成目标任务，达到完成标准"),
    ("基本完成", Decimal("80"), "主要任务完成，个别指标未达到"),
    ("未完成", Decimal("50"), "主要任务未完成"),
]
WEIGHTS = {"主办": Decimal("1"), "协办": Decimal("0.5")}


def create(apps, schema_editor):
    ScoreGrade = apps.get_model("scoring", "ScoreGrade")
    RoleWeight = apps.get_model("scoring", "RoleWeight")
    AssignmentRole = apps.get_model("goals", "AssignmentRole")
    for order, (name, share, description) in enumerate(GRADES):
        ScoreGrade.objects.get_or_create(name=name, defaults={"share": share, "description": description, "sort_order": order})
    for role in AssignmentRole.objects.filter(name__in=WEIGHTS):
        RoleWeight.objects.get_or_create(role=role, defaults={"weight": WEIGHTS[role.name]})


class Migration(migrations.Migration):
    dependencies = [("scoring", "0001_initial"), ("goals", "0002_default_dictionaries")]

    operations = [migrations.RunPython(create, migrations.RunPython.noop)]
