"""The cache table (settings.CACHES): the login throttle's failure counts, shared by all server processes."""

from django.core.management import call_command
from django.db import migrations


def create_cache_table(apps, schema_editor) -> None:  # noqa: ANN001
    call_command("createcachetable", database=schema_editor.connection.alias, verbosity=0)


class Migration(migrations.Migration):
    dependencies = [("orgs", "0001_initial")]
    operations = [migrations.RunPython(create_cache_table, migrations.RunPython.noop)]
