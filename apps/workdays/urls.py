from django.urls import path

from . import views

app_name = "workdays"
urlpatterns = [
    path("", views.calendar_page, name="calendar"),
    path("overrides/<int:pk>/delete/", views.override_delete, name="override_delete"),
    path("years/<int:pk>/delete/", views.year_delete, name="year_delete"),
]
