"""Count the findings of the evaluations stored before the dashboards existed."""

from django.db import migrations


def fill(apps, schema_editor):  # noqa: ANN001, ANN201
    from jixiao.web.dashboards.findings import codes_of

    Evaluation = apps.get_model("evaluations", "Evaluation")
    Digest = apps.get_model("dashboards", "Digest")
    FindingCount = apps.get_model("dashboards", "FindingCount")
    ids = list(Evaluation.objects.order_by("pk").values_list("pk", flat=True))
    for start in range(0, len(ids), 200):
        rows = Evaluation.objects.filter(pk__in=ids[start:start + 200]).values_list(
            "pk", "version", "errors", "warnings", "infos", "analysis")
        digests, counts = [], []
        for pk, version, errors, warnings, infos, analysis in rows:
            digests.append(Digest(evaluation_id=pk, version=version, errors=errors, warnings=warnings, infos=infos))
            counts += [FindingCount(evaluation_id=pk, code=code, severity=severity, count=n)
                       for code, (severity, n) in codes_of(analysis).items()]
        Digest.objects.bulk_create(digests)
        FindingCount.objects.bulk_create(counts)


class Migration(migrations.Migration):

    dependencies = [("dashboards", "0001_findings")]

    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]
