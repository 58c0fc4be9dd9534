from django.urls import path

from . import views

app_name = "imports"
urlpatterns = [
    path("", views.batch_list, name="list"),
    path("export.<str:fmt>", views.batch_export, name="export"),
    path("<int:pk>/", views.batch_detail, name="detail"),
    path("<int:pk>/progress/", views.batch_progress, name="progress"),
    path("<int:pk>/commit/", views.batch_commit, name="commit"),
    path("<int:pk>/undo/", views.batch_undo, name="undo"),
    path("<int:pk>/file/", views.batch_file, name="file"),
]
