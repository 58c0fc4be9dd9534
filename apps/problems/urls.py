from django.urls import path, re_path

from . import views

app_name = "problems"
STEPS = "|".join(views.STEPS)
urlpatterns = [
    path("", views.problem_list, name="list"),
    path("export.<str:fmt>", views.problem_export, name="export"),
    path("leader/", views.leader_page, name="leader"),
    path("leader/export.<str:fmt>", views.leader_export, name="leader_export"),
    path("queue/", views.department_queue, name="queue"),
    path("figures/", views.figures, name="figures"),
    path("not-started/", views.not_started, name="not_started"),
    path("project/<int:project_id>/", views.project_timeline, name="timeline"),
    path("project/<int:project_id>/new/", views.problem_create, name="create"),
    path("<int:pk>/", views.problem_detail, name="detail"),
    path("<int:pk>/edit/", views.problem_edit, name="edit"),
    re_path(rf"^(?P<pk>\d+)/(?P<step>{STEPS})/$", views.problem_step, name="step"),
    path("<int:pk>/letters/new/", views.letter_create, name="letter_create"),
    path("letters/", views.letter_list, name="letters"),
    path("letters/export.<str:fmt>", views.letter_export, name="letters_export"),
    path("letters/<int:pk>/", views.letter_detail, name="letter"),
    path("letters/<int:pk>/download/", views.letter_download, name="letter_download"),
    path("letters/<int:pk>/respond/", views.letter_respond, name="letter_respond"),
    path("meetings/", views.meeting_list, name="meetings"),
    path("meetings/export.<str:fmt>", views.meeting_export, name="meetings_export"),
    path("meetings/new/", views.meeting_create, name="meeting_create"),
    path("meetings/<int:pk>/", views.meeting_detail, name="meeting"),
    path("meetings/<int:pk>/edit/", views.meeting_edit, name="meeting_edit"),
    re_path(r"^meetings/(?P<pk>\d+)/(?P<which>agenda|minutes)\.docx$", views.meeting_document, name="meeting_document"),
    path("meetings/<int:pk>/decisions/", views.decision_create, name="decision_create"),
    path("actions/", views.action_list, name="actions"),
    path("actions/export.<str:fmt>", views.action_export, name="actions_export"),
    path("actions/<int:pk>/", views.action_detail, name="action"),
    re_path(r"^actions/(?P<pk>\d+)/(?P<step>report|close|reopen)/$", views.action_step, name="action_step"),
]
