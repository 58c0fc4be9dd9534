from django.urls import path, re_path

from . import views

app_name = "projects"
KINDS = "|".join(views.CHILDREN)
urlpatterns = [
    path("", views.project_list, name="list"),
    path("export.<str:fmt>", views.project_export, name="export"),
    path("new/", views.project_create, name="create"),
    path("mine/", views.my_projects, name="mine"),
    path("<int:pk>/", views.project_detail, name="detail"),
    path("<int:pk>/edit/", views.project_edit, name="edit"),
    path("<int:pk>/delete/", views.project_delete, name="delete"),
    re_path(rf"^(?P<pk>\d+)/(?P<kind>{KINDS})/new/$", views.child_edit, name="child_create"),
    re_path(rf"^(?P<pk>\d+)/(?P<kind>{KINDS})/(?P<child_pk>\d+)/edit/$", views.child_edit, name="child_edit"),
    re_path(rf"^(?P<pk>\d+)/(?P<kind>{KINDS})/(?P<child_pk>\d+)/delete/$", views.child_delete, name="child_delete"),
]
