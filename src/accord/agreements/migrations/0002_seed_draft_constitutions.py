"""Give coalitions made before the constitution existed the template agreements, as a draft to adopt."""

from django.db import migrations
from django.utils import timezone


def seed(apps, schema_editor):
    from accord.agreements.defaults import DEFAULT_AGREEMENTS

    Coalition = apps.get_model("coalitions", "Coalition")
    Constitution = apps.get_model("agreements", "Constitution")
    Agreement = apps.get_model("agreements", "Agreement")
    AgreementVersion = apps.get_model("agreements", "AgreementVersion")
    now = timezone.now()
    for coalition in Coalition.objects.all():
        Constitution.objects.get_or_create(coalition=coalition)
        if Agreement.objects.filter(coalition=coalition).exists():
            continue
        for index, template in enumerate(DEFAULT_AGREEMENTS):
            agreement = Agreement.objects.create(
                coalition=coalition,
                key=template["key"],
                category=template["category"],
                position=index,
                members_confirm=template["members_confirm"],
                created_at=now,
            )
            AgreementVersion.objects.create(
                agreement=agreement, number=1, title=template["title"], text=template["text"], created_at=now
            )


class Migration(migrations.Migration):
    dependencies = [("agreements", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
