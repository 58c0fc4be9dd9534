from django.urls import path

from . import views

app_name = "exports"
urlpatterns = [
    path("", views.record_list, name="records"),
    path("projects.<str:fmt>", views.project_list_export, name="projects"),
    path("progress.<str:fmt>", views.progress_export, name="progress"),
    path("template.xlsx", views.template_download, name="template"),
    path("jobs/<int:pk>/", views.job_detail, name="job"),
    path("jobs/<int:pk>/progress", views.job_progress, name="job_progress"),
    path("jobs/<int:pk>/file", views.job_file, name="job_file"),
]
