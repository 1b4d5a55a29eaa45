"""EVAL-10: drafts are sealed, online ballots wait in a sealed ballot box, and ballots get random integer keys.

Drafts saved before this migration were stored readable; they cannot be sealed
without their evaluators' codes, so they are deleted (the accounts keep their
state and can vote). Ballots are kept: the table is made again with a random
integer key (SQLite's rowid), and the ballots are written back in random order.
"""

import random

import django.db.models.deletion
from django.db import migrations, models

import kaohe.evaluation.models

_kept = []


def drop_readable_drafts(apps, schema_editor):
    apps.get_model("evaluation", "Draft").objects.all().delete()


def keep_ballots(apps, schema_editor):
    Ballot = apps.get_model("evaluation", "Ballot")
    _kept[:] = list(
        Ballot.objects.values(
            "task_id",
            "category_id",
            "source",
            "cast_on",
            "receipt_digest",
            "paper_serial",
            "answers",
            "remarks",
            "is_valid",
            "invalid_reason",
        )
    )


def restore_ballots(apps, schema_editor):
    Ballot = apps.get_model("evaluation", "Ballot")
    rows = list(_kept)
    random.SystemRandom().shuffle(rows)
    Ballot.objects.bulk_create(
        [Ballot(id=kaohe.evaluation.models.random_id(), **row) for row in rows], batch_size=500
    )
    _kept.clear()


class Migration(migrations.Migration):
    dependencies = [
        ("evaluation", "0002_ballots_kept_with_their_task"),
    ]

    operations = [
        migrations.RunPython(drop_readable_drafts, migrations.RunPython.noop),
        migrations.RemoveField(model_name="draft", name="answers"),
        migrations.RemoveField(model_name="draft", name="remarks"),
        migrations.RemoveField(model_name="draft", name="updated_at"),
        migrations.AddField(
            model_name="draft",
            name="sealed",
            field=models.BinaryField(default=b"", verbose_name="sealed answers"),
            preserve_default=False,
        ),
        migrations.CreateModel(
            name="BallotBoxEntry",
            fields=[
                ("id", models.UUIDField(default=__import__("uuid").uuid4, editable=False, primary_key=True, serialize=False)),
                ("cast_on", models.DateField(verbose_name="day cast")),
                ("receipt_digest", models.CharField(editable=False, max_length=64, unique=True, verbose_name="receipt hash")),
                ("sealed", models.BinaryField(verbose_name="sealed ballot")),
                (
                    "category",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="evaluation.evaluatorcategory",
                        verbose_name="evaluator category",
                    ),
                ),
                (
                    "task",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="box_entries",
                        to="evaluation.evaluationtask",
                        verbose_name="evaluation task",
                    ),
                ),
            ],
            options={"verbose_name": "ballot in the box", "verbose_name_plural": "ballots in the box"},
        ),
        migrations.RunPython(keep_ballots, migrations.RunPython.noop),
        migrations.DeleteModel(name="Ballot"),
        migrations.CreateModel(
            name="Ballot",
            fields=[
                ("id", kaohe.evaluation.models.RandomIdField(primary_key=True, serialize=False)),
                ("source", models.CharField(choices=[("online", "Online"), ("paper", "Paper")], max_length=8, verbose_name="source")),
                ("cast_on", models.DateField(verbose_name="day cast")),
                (
                    "receipt_digest",
                    models.CharField(blank=True, editable=False, max_length=64, null=True, unique=True, verbose_name="receipt hash"),
                ),
                ("paper_serial", models.CharField(blank=True, max_length=30, verbose_name="paper ballot number")),
                ("answers", models.JSONField(default=dict, verbose_name="answers")),
                ("remarks", models.JSONField(default=dict, verbose_name="remarks")),
                ("is_valid", models.BooleanField(default=True, verbose_name="valid")),
                ("invalid_reason", models.TextField(blank=True, verbose_name="why invalid")),
                (
                    "category",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="ballots",
                        to="evaluation.evaluatorcategory",
                        verbose_name="evaluator category",
                    ),
                ),
                (
                    "task",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="ballots",
                        to="evaluation.evaluationtask",
                        verbose_name="evaluation task",
                    ),
                ),
            ],
            options={
                "verbose_name": "ballot",
                "verbose_name_plural": "ballots",
                "indexes": [models.Index(fields=["task", "category", "is_valid"], name="evaluation__task_id_405e14_idx")],
                "constraints": [
                    models.UniqueConstraint(
                        models.F("task"),
                        models.F("paper_serial"),
                        condition=models.Q(("paper_serial", ""), _negated=True),
                        name="evaluation_ballot_unique_paper_serial",
                        violation_error_message="A paper ballot with this number has already been entered.",
                    )
                ],
            },
        ),
        migrations.RunPython(restore_ballots, migrations.RunPython.noop),
    ]
