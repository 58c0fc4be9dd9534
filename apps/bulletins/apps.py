from django.apps import AppConfig


class BulletinsConfig(AppConfig):
    name = "apps.bulletins"
    label = "bulletins"
