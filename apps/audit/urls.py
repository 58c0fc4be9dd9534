from django.urls import path

from . import views

app_name = "audit"
urlpatterns = [
    path("", views.change_list, name="list"),
    path("export.<str:fmt>", views.change_export, name="export"),
]
