"""The classes every county starts with; the office edits them in the admin."""

from django.db import migrations

MEASURE_UNITS = ["亿元", "万元", "元", "%", "人", "个", "户", "项", "公里", "亩", "吨", "吨标准煤"]
GOAL_TYPES = ["经济发展", "党的建设", "民生保障", "社会治理", "生态文明", "改革创新"]
SOURCES = ["上级下达", "县委县政府", "本单位"]
ROLES = ["主办", "协办"]


def create(apps, schema_editor):
    for model_name, names in (
        ("MeasureUnit", MEASURE_UNITS),
        ("GoalType", GOAL_TYPES),
        ("GoalSource", SOURCES),
        ("AssignmentRole", ROLES),
    ):
        model = apps.get_model("goals", model_name)
        for order, name in enumerate(names):
            model.objects.get_or_create(name=name, defaults={"sort_order": order})


class Migration(migrations.Migration):
    dependencies = [("goals", "0001_initial")]

    operations = [migrations.RunPython(create, migrations.RunPython.noop)]
