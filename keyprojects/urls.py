from django.conf import settings
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.templatetags.static import static
from django.urls import include, path
from django.utils.functional import lazy
from django.views.generic import RedirectView

from apps.accounts.views import LoginView
from apps.ops import views as ops_views

from .api import api

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="dashboard:index", permanent=False)),
    # lazy: the hashed name is known from the collected files' manifest only when asked
    path("favicon.ico", RedirectView.as_view(url=lazy(static, str)("favicon.svg"), permanent=True)),
    path("accounts/login/", LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/", include("apps.accounts.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("projects/", include("apps.projects.urls")),
    path("changes/", include("apps.audit.urls")),
    path("dashboard/", include("apps.dashboard.urls")),
    path("reports/", include("apps.reporting.urls")),
    path("imports/", include("apps.imports.urls")),
    path("exports/", include("apps.exports.urls")),
    path("problems/", include("apps.problems.urls")),
    path("workdays/", include("apps.workdays.urls")),
    path("approvals/", include("apps.approvals.urls")),
    path("lights/", include("apps.lights.urls")),
    path("assessment/", include("apps.assessment.urls")),
    path("allocation/", include("apps.allocation.urls")),
    path("funding/", include("apps.funding.urls")),
    path("bonds/", include("apps.bonds.urls")),
    path("attraction/", include("apps.attraction.urls")),
    path("bulletins/", include("apps.bulletins.urls")),
    path("briefs/", include("apps.briefs.urls")),
    path("reserve/", include("apps.reserve.urls")),
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
    path("healthz", ops_views.healthz, name="healthz"),
]
if settings.BENCH_ENDPOINTS:  # the load test's baseline (bench/loadtest.py), never in production
    urlpatterns.append(path("bench/baseline/<int:pk>", ops_views.bench_baseline))

handler400 = "apps.core.errors.bad_request"
handler403 = "apps.core.errors.permission_denied"
handler404 = "apps.core.errors.page_not_found"
handler500 = "apps.core.errors.server_error"
