from django.urls import path

from . import views

app_name = "lights"
urlpatterns = [
    path("", views.light_list, name="list"),
    path("export.<str:fmt>", views.light_export, name="export"),
    path("rules/", views.rule_list, name="rules"),
    path("rules/new/", views.rule_create, name="rule_create"),
    path("rules/<int:pk>/", views.rule_detail, name="rule"),
    path("rules/<int:pk>/save/", views.rule_save, name="rule_save"),
    path("rules/<int:pk>/active/", views.rule_active, name="rule_active"),
    path("rules/<int:pk>/replay/", views.rule_replay, name="rule_replay"),
]
