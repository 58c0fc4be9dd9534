from django.urls import path, re_path

from . import views

app_name = "bulletins"
urlpatterns = [
    path("", views.bulletin_list, name="list"),
    path("new/", views.bulletin_create, name="create"),
    path("<int:pk>/", views.bulletin_detail, name="detail"),
    path("<int:pk>/requirements/", views.bulletin_requirements, name="requirements"),
    re_path(r"^(?P<pk>\d+)/(?P<step>submit|review|return|sign)/$", views.bulletin_step, name="step"),
    re_path(r"^(?P<pk>\d+)/file/(?P<fmt>docx|xlsx|pdf)$", views.bulletin_file, name="file"),
]
