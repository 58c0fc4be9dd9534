from django.urls import path, re_path

from . import views

app_name = "attraction"
STEPS = "|".join(views.STEPS)
urlpatterns = [
    path("", views.lead_list, name="list"),
    path("new/", views.lead_create, name="create"),
    path("figures/", views.figures, name="figures"),
    path("<int:pk>/", views.lead_detail, name="detail"),
    path("<int:pk>/edit/", views.lead_edit, name="edit"),
    path("<int:pk>/contacts/", views.contacts, name="contacts"),
    re_path(rf"^(?P<pk>\d+)/(?P<step>{STEPS})/$", views.lead_step, name="step"),
]
