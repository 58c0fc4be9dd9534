from django.apps import AppConfig


class BondsConfig(AppConfig):
    name = "apps.bonds"
    label = "bonds"
