from django.db import migrations


def install_presets(apps, schema_editor):
    from apps.lights.presets import install

    install(apps.get_model("lights", "LightRule"), apps.get_model("lights", "LightRuleVersion"))


class Migration(migrations.Migration):
    dependencies = [("lights", "0001_initial")]

    operations = [migrations.RunPython(install_presets, migrations.RunPython.noop)]
