from django.urls import path

from . import views

app_name = "assessment"
urlpatterns = [
    path("", views.index, name="index"),
    path("schemes/<int:pk>/", views.scheme_detail, name="scheme"),
    path("schemes/<int:pk>/indicators/", views.indicator_save, name="indicator_save"),
    path("schemes/<int:pk>/inputs/", views.input_save, name="input_save"),
    path("periods/compute/", views.run_compute, name="compute"),
    path("periods/<int:pk>/", views.run_detail, name="run"),
    path("periods/<int:pk>/publish/", views.run_publish, name="publish"),
    path("periods/<int:pk>/counties/<int:region_id>/", views.result_detail, name="result"),
    path(
        "periods/<int:pk>/departments/<int:organisation_id>/",
        views.department_result_detail,
        name="department_result",
    ),
]
