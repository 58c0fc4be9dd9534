from django.urls import path, re_path

from . import views

app_name = "reporting"
urlpatterns = [
    path("", views.my_reports, name="mine"),
    path("fill/<int:project_id>/", views.report_fill, name="fill"),
    path("queue/", views.verify_queue, name="queue"),
    path("queue/verify/", views.verify_selected, name="verify_selected"),
    path("queue/export.<str:fmt>", views.queue_export, name="queue_export"),
    path("unreported/", views.unreported, name="unreported"),
    path("unreported/remind/", views.unreported_remind, name="remind"),
    path("periods/", views.periods, name="periods"),
    path("periods/<int:pk>/close/", views.period_close, name="period_close"),
    path("project/<int:project_id>/", views.project_history, name="history"),
    path("reminders/", views.reminders, name="reminders"),
    path("reminders/badge/", views.reminder_badge, name="reminder_badge"),
    path("<int:pk>/", views.report_detail, name="detail"),
    path("<int:pk>/submit/", views.report_submit, name="submit"),
    path("<int:pk>/verify/", views.report_verify, name="verify"),
    path("<int:pk>/return/", views.report_return, name="return"),
    path("<int:pk>/photos/", views.photo_add, name="photo_add"),
    path("photos/<int:pk>/", views.photo, name="photo"),
    path("photos/<int:pk>/thumb/", views.photo, {"thumbnail": True}, name="photo_thumb"),
    path("photos/<int:pk>/delete/", views.photo_delete, name="photo_delete"),
    path("<int:pk>/revisions/new/", views.revision_request, name="revision_request"),
    path("revisions/<int:pk>/", views.revision_detail, name="revision"),
    re_path(r"^revisions/(?P<pk>\d+)/(?P<decision>approve|reject)/$", views.revision_decide, name="revision_decide"),
]
