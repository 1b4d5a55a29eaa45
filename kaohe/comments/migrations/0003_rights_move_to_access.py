"""The rights table moved to ``kaohe.access`` (SYS-11), which copied every row first."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("comments", "0002_default_types_and_rights"),
        ("access", "0002_from_comment_rights"),
    ]

    operations = [migrations.DeleteModel(name="CommentRight")]
