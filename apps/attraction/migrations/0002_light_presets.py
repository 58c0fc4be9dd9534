from django.db import migrations


def install_presets(apps, schema_editor):
    from apps.attraction.lights import PRESETS
    from apps.lights.presets import install

    install(apps.get_model("lights", "LightRule"), apps.get_model("lights", "LightRuleVersion"), PRESETS)


class Migration(migrations.Migration):
    dependencies = [("attraction", "0001_initial"), ("lights", "0002_presets")]

    operations = [migrations.RunPython(install_presets, migrations.RunPython.noop)]
