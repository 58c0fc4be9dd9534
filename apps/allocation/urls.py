from django.urls import path

from . import views

app_name = "allocation"
urlpatterns = [
    path("", views.plan_list, name="list"),
    path("new/", views.plan_create, name="create"),
    path("<int:pk>/", views.plan_detail, name="detail"),
    path("<int:pk>/shares/<int:share_id>/adjust/", views.share_adjust, name="adjust"),
    path("<int:pk>/adjust/", views.share_adjust, name="adjust_any"),
    path("<int:pk>/approve/", views.plan_approve, name="approve"),
    path("<int:pk>/export/", views.plan_export, name="export"),
]
