from django.urls import path

from . import views

app_name = "funding"
urlpatterns = [
    path("", views.overview, name="index"),
    path("project/<int:project_id>/", views.project_funding, name="project"),
    path("project/<int:project_id>/<int:year>/edit/", views.record_edit, name="record_edit"),
    path("project/<int:project_id>/applications/new/", views.application_create, name="application_create"),
    path("disbursements/", views.disbursement_list, name="disbursements"),
    path("disbursements/new/", views.disbursement_add, name="disbursement_add"),
    path("applications/", views.application_list, name="applications"),
    path("applications/<int:pk>/", views.application_detail, name="application"),
    path("applications/<int:pk>/edit/", views.application_edit, name="application_edit"),
    path("applications/<int:pk>/step/", views.application_step, name="application_step"),
]
