"""Justifications keyed by the finding's identity (code, field path, values), not by its wording.

Existing justifications get their key from the analysis of the version they were submitted with: the
finding with the same code, field and message there gives the key and its values (expected, found);
without it, the only finding of that code and field; without either, the code and field alone (then the
key matches no current finding and nothing is lost: the text stays with its submission).
"""

from django.db import migrations, models


def _fill_keys(apps, schema_editor):
    from jixiao import editing
    from jixiao.checks.base import finding_key

    Justification = apps.get_model("evaluations", "Justification")
    Version = apps.get_model("evaluations", "Version")
    cache: dict[tuple[int, int], list] = {}
    for j in Justification.objects.filter(key="").select_related("transition"):
        t = j.transition
        where = (t.evaluation_id, t.version)
        if where not in cache:
            version = Version.objects.filter(evaluation_id=t.evaluation_id, number=t.version).first()
            findings = []
            if version is not None:
                try:
                    findings = editing.analyse(version.document).findings or []
                except Exception:  # noqa: BLE001 - an old document the analysis refuses: fall back below
                    findings = []
            cache[where] = findings
        findings = cache[where]
        same = [f for f in findings if f.code == j.code and (f.where.field or "") == j.field]
        exact = [f for f in same if f.message == j.message]
        match = exact[0] if exact else same[0] if len(same) == 1 else None
        if match is not None:
            j.key, j.expected, j.found = match.key, match.expected or "", match.found or ""
        else:
            j.key = finding_key(j.code, j.field, None, None)
        j.save(update_fields=["key", "expected", "found"])


class Migration(migrations.Migration):

    dependencies = [
        ("evaluations", "0004_dashboard_index"),
    ]

    operations = [
        migrations.AddField(
            model_name="justification", name="key",
            field=models.CharField(blank=True, db_index=True, max_length=12, verbose_name="问题标识",
                                   help_text="代码、字段与数值（应为/实为）的摘要，不含措辞：措辞修改后说明仍对应同一问题"),
        ),
        migrations.AddField(model_name="justification", name="expected",
                            field=models.TextField(blank=True, verbose_name="应为")),
        migrations.AddField(model_name="justification", name="found",
                            field=models.TextField(blank=True, verbose_name="实为")),
        migrations.RunPython(_fill_keys, migrations.RunPython.noop),
    ]
