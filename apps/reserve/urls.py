from django.urls import path, re_path

from . import views

app_name = "reserve"
STEPS = "|".join(views.STEPS)
urlpatterns = [
    path("", views.reserve_list, name="list"),
    path("new/", views.reserve_create, name="create"),
    path("figures/", views.figures, name="figures"),
    path("department-review/", views.department_review, name="department_review"),
    path("<int:pk>/", views.reserve_detail, name="detail"),
    path("<int:pk>/edit/", views.reserve_edit, name="edit"),
    re_path(rf"^(?P<pk>\d+)/(?P<step>{STEPS})/$", views.reserve_step, name="step"),
]
