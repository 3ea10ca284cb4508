"""Seed the starting list of service taboo phrases (服务忌语) and the default case policy.

Both are data the office edits in the admin afterwards; this only gives them a start.
"""

from django.db import migrations

TABOO_PHRASES = [
    "不知道",
    "我不知道",
    "不清楚",
    "不归我管",
    "我不管",
    "这不关我的事",
    "你问我，我问谁",
    "找领导去",
    "明天再来",
    "没看见正忙着吗",
    "你去投诉好了",
    "这不是写着吗，你不会自己看",
    "刚才不是告诉你了吗",
    "我就这态度",
    "下班了",
    "材料不全，回去准备齐了再来",
]


def seed(apps, schema_editor):
    TabooPhrase = apps.get_model("inquiries", "TabooPhrase")
    CasePolicy = apps.get_model("inquiries", "CasePolicy")
    for phrase in TABOO_PHRASES:
        TabooPhrase.objects.get_or_create(phrase=phrase)
    CasePolicy.objects.get_or_create(pk=1)


class Migration(migrations.Migration):
    dependencies = [("inquiries", "0003_cases_and_catalog")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
