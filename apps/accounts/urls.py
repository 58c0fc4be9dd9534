from django.urls import path

from . import views

app_name = "accounts"

urlpatterns = [
    path("me/", views.account, name="account"),
    path("me/tokens/<int:pk>/revoke/", views.token_revoke, name="token_revoke"),
    path("2fa/", views.otp, name="otp"),
    path("password/", views.PasswordChangeView.as_view(), name="password_change"),
]
