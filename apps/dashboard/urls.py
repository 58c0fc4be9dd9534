from django.urls import path

from . import views

app_name = "dashboard"

urlpatterns = [
    path("", views.dashboard, name="index"),
    path("projects/", views.drilldown, name="projects"),
    path("projects/export/<str:fmt>/", views.drilldown_export, name="projects_export"),
    path("speech/", views.speech, name="speech"),
    path("speech/docx/", views.speech_docx, name="speech_docx"),
]
