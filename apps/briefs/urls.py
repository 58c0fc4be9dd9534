from django.urls import path, re_path

from . import views

app_name = "briefs"
urlpatterns = [
    path("", views.brief_index, name="index"),
    path("visits/", views.visit_list, name="visits"),
    path("visits/new/", views.visit_create, name="visit_new"),
    path("visits/<int:pk>/", views.visit_detail, name="visit"),
    path("<int:person_id>/", views.brief_person, name="person"),
    re_path(r"^(?P<person_id>\d+)/file\.(?P<fmt>docx|pdf)$", views.brief_file, name="file"),
]
