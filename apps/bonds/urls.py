from django.urls import path

from . import views

app_name = "bonds"
urlpatterns = [
    path("", views.overview, name="index"),
    path("projects/", views.project_list, name="projects"),
    path("projects/export/", views.project_export, name="project_export"),
    path("projects/<int:pk>/", views.project_detail, name="project"),
    path("projects/<int:pk>/edit/", views.project_edit, name="project_edit"),
    path("projects/<int:pk>/submit/", views.project_submit, name="project_submit"),
    path("projects/<int:pk>/documents/", views.document_upload, name="document_upload"),
    path("projects/<int:pk>/documents/<int:document_id>/", views.document_download, name="document"),
    path("projects/<int:pk>/reviews/", views.review_record, name="review_record"),
    path("projects/<int:pk>/pools/", views.pool_record, name="pool_record"),
    path("project/<int:project_id>/", views.project_bonds, name="project_bonds"),
    path("project/<int:project_id>/new/", views.project_create, name="project_create"),
    path("quotas/", views.quota_list, name="quotas"),
    path("issues/", views.issue_list, name="issues"),
    path("issues/<int:pk>/", views.issue_detail, name="issue"),
    path("issues/<int:pk>/allocations/", views.allocation_add, name="allocation_add"),
    path("allocations/<int:pk>/", views.allocation_detail, name="allocation"),
    path("spending/", views.spending, name="spending"),
    path("spending/record/", views.spending_record, name="spending_record"),
    path("adjustments/", views.adjustment_list, name="adjustments"),
    path("adjustments/request/", views.adjustment_request, name="adjustment_request"),
    path("adjustments/<int:pk>/decide/", views.adjustment_decide, name="adjustment_decide"),
    path("repayments/", views.repayments, name="repayments"),
    path("repayments/record/", views.repayment_record, name="repayment_record"),
]
