"""Give coalitions made before decisions existed the default decision-kind table."""

from django.db import migrations
from django.utils import timezone


def seed(apps, schema_editor):
    from accord.decisions.defaults import DEFAULT_KINDS
    from accord.governance import parse_rule, rule_to_json

    Coalition = apps.get_model("coalitions", "Coalition")
    DecisionKind = apps.get_model("decisions", "DecisionKind")
    now = timezone.now()
    for coalition in Coalition.objects.all():
        if DecisionKind.objects.filter(coalition=coalition).exists():
            continue
        DecisionKind.objects.bulk_create(
            [
                DecisionKind(
                    coalition=coalition,
                    key=kind["key"],
                    name=kind["name"],
                    description=kind["description"],
                    rule=rule_to_json(parse_rule(kind["rule"])),
                    scope=kind["scope"],
                    position=index,
                    created_at=now,
                    updated_at=now,
                )
                for index, kind in enumerate(DEFAULT_KINDS)
            ]
        )


class Migration(migrations.Migration):
    dependencies = [("decisions", "0001_initial"), ("coalitions", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
