from django.urls import path, re_path

from . import views

app_name = "approvals"
ACTIONS = "|".join(views.ACTIONS)
urlpatterns = [
    path("", views.worklist, name="worklist"),
    path("export.<str:fmt>", views.worklist_export, name="worklist_export"),
    path("overdue/", views.overdue, name="overdue"),
    path("overdue/export.<str:fmt>", views.overdue_export, name="overdue_export"),
    path("figures/", views.figures, name="figures"),
    path("items/", views.items, name="items"),
    path("items/export.<str:fmt>", views.items_export, name="items_export"),
    path("project/<int:project_id>/", views.project_page, name="project"),
    path("project/<int:project_id>/generate/", views.checklist_generate, name="generate"),
    path("project/<int:project_id>/items/new/", views.item_add, name="item_add"),
    path("project/<int:project_id>/intake/", views.intake, name="intake"),
    path("project/<int:project_id>/factors/new/", views.factor_edit, name="factor_create"),
    path("project/<int:project_id>/factors/<int:pk>/edit/", views.factor_edit, name="factor_edit"),
    path("project/<int:project_id>/factors/<int:pk>/delete/", views.factor_delete, name="factor_delete"),
    path("items/<int:pk>/", views.item_detail, name="item"),
    path("items/<int:pk>/edit/", views.item_edit, name="item_edit"),
    path("items/<int:pk>/delete/", views.item_delete, name="item_delete"),
    re_path(rf"^items/(?P<pk>\d+)/(?P<action>{ACTIONS})/$", views.item_action, name="item_action"),
]
