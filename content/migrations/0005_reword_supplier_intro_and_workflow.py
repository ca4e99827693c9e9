"""Existing sites get the new wording: the supplier directory intro and the workflow name."""

from django.db import migrations

OLD_INTRO = "认证供应商的产品与技术文章"
NEW_INTRO = "供应商的产品与技术文章；经平台认证的供应商排在前面，并带有“已认证”标记"
OLD_WORKFLOW = "平台审核 Platform moderation"
NEW_WORKFLOW = "平台审核"


def reword(apps, schema_editor) -> None:
    apps.get_model("content", "SupplierIndexPage").objects.filter(intro=OLD_INTRO).update(
        intro=NEW_INTRO
    )
    workflows = apps.get_model("wagtailcore", "Workflow").objects
    if not workflows.filter(name=NEW_WORKFLOW).exists():
        workflows.filter(name=OLD_WORKFLOW).update(name=NEW_WORKFLOW)


def restore(apps, schema_editor) -> None:
    apps.get_model("content", "SupplierIndexPage").objects.filter(intro=NEW_INTRO).update(
        intro=OLD_INTRO
    )
    workflows = apps.get_model("wagtailcore", "Workflow").objects
    workflows.filter(name=NEW_WORKFLOW).update(name=OLD_WORKFLOW)


class Migration(migrations.Migration):
    dependencies = [("content", "0004_material_english_names")]

    operations = [migrations.RunPython(reword, restore)]
