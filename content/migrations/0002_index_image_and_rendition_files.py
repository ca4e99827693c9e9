"""Index the file names of Wagtail's images and renditions.

Every /media/images/ and /media/original_images/ request finds its image by file name before
checking who may see it (content.media_views); without an index that is a scan of the whole
renditions table (several renditions per image) per image request.
"""

from django.db import migrations

INDEXES = [
    ("yaoyun_image_file", "wagtailimages_image"),
    ("yaoyun_rendition_file", "wagtailimages_rendition"),
]


class Migration(migrations.Migration):
    dependencies = [
        ("content", "0001_initial"),
        ("wagtailimages", "0027_image_description"),
    ]

    operations = [
        migrations.RunSQL(
            sql=f'CREATE INDEX IF NOT EXISTS "{name}" ON "{table}" ("file")',
            reverse_sql=f'DROP INDEX IF EXISTS "{name}"',
        )
        for name, table in INDEXES
    ]
