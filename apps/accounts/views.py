"""Login, second factor, password change and the user's own account page."""

import io

import qrcode
import qrcode.image.svg
from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import AuthenticationForm, PasswordChangeForm
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST
from django_otp import login as otp_login
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from apps.audit.models import SecurityEventKind
from apps.audit.services import security_event_write

from .models import APIToken, User, UserSession
from .services import api_token_issue, api_token_revoke

RECOVERY_CODES = 10


class LoginForm(AuthenticationForm):
    error_messages = {
        "invalid_login": gettext_lazy("用户名或密码错误。连续失败多次后账号将被临时锁定。"),
        "inactive": gettext_lazy("该账号已停用。"),
    }


class LoginView(auth_views.LoginView):
    form_class = LoginForm


def locked_out(request, response=None, credentials=None, *args, **kwargs):
    """django-axes' answer while an account or client is locked: the login page with the reason."""
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    message = _("登录失败次数过多，账号已被临时锁定，请 %(minutes)s 分钟后再试，或联系安全管理员解锁。") % {
        "minutes": minutes
    }
    if request.path.startswith("/api/"):
        from django.http import JsonResponse

        return JsonResponse({"detail": message}, status=429)
    form = LoginForm(request, data=None)
    return render(request, "registration/login.html", {"form": form, "locked_message": message}, status=429)


def _next_url(request, default="/"):
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return target
    return default


class TokenForm(forms.Form):
    token = forms.CharField(label=gettext_lazy("动态口令或恢复码"), max_length=16)


def _qr_svg(url: str) -> str:
    image = qrcode.make(url, image_factory=qrcode.image.svg.SvgPathImage, box_size=8)
    buffer = io.BytesIO()
    image.save(buffer)
    return buffer.getvalue().decode()


@login_required
def otp(request):
    """Second factor: enter a code from the authenticator (or a recovery code), or enrol one."""
    user = request.user
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is None:
        return _otp_enrol(request)
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        code = form.cleaned_data["token"].strip().replace(" ", "")
        for candidate in [device, *StaticDevice.objects.filter(user=user, confirmed=True)]:
            allowed, _why = candidate.verify_is_allowed()
            # verify_token refuses a code already used (TOTP: t <= last_t; recovery codes are consumed).
            if allowed and candidate.verify_token(code):
                otp_login(request, candidate)
                return redirect(_next_url(request))
        security_event_write(kind=SecurityEventKind.OTP_FAILED, user=user)
        form.add_error("token", _("动态口令错误或已使用过，请输入验证器当前显示的口令。"))
    return render(request, "accounts/otp.html", {"form": form, "next": _next_url(request, "")})


def _otp_enrol(request):
    user = request.user
    with transaction.atomic():
        # Two asks at once (two tabs, a retried request) must not make a device each: the
        # secret shown would then belong to one and the code be checked against the other.
        User.objects.select_for_update().filter(pk=user.pk).values_list("pk").first()
        device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
        if device is None:
            device = TOTPDevice.objects.create(user=user, name=_("验证器"), confirmed=False)
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["token"].strip()):
            device.confirmed = True
            device.save()
            static, _created = StaticDevice.objects.get_or_create(user=user, name=_("恢复码"))
            static.token_set.all().delete()
            codes = [StaticToken.random_token() for _i in range(RECOVERY_CODES)]
            static.token_set.bulk_create([StaticToken(device=static, token=code) for code in codes])
            otp_login(request, device)
            security_event_write(kind=SecurityEventKind.OTP_ENROLLED, user=user)
            return render(request, "accounts/recovery_codes.html", {"codes": codes, "next": _next_url(request)})
        form.add_error("token", _("动态口令不正确，请确认手机时间准确后重试。"))
    import base64

    secret = base64.b32encode(device.bin_key).decode()
    return render(
        request,
        "accounts/otp_enrol.html",
        {
            "form": form,
            # The SVG is drawn by qrcode from our own otpauth URL: no user input reaches it.
            "qr": mark_safe(_qr_svg(device.config_url)),  # noqa: S308
            "secret": secret,
            "next": _next_url(request, ""),
        },
    )


class KPPasswordChangeForm(PasswordChangeForm):
    def save(self, commit=True):
        self.user.must_change_password = False
        user = super().save(commit=commit)
        security_event_write(kind=SecurityEventKind.PASSWORD_CHANGED, user=user, actor=user)
        return user


class PasswordChangeView(auth_views.PasswordChangeView):
    form_class = KPPasswordChangeForm
    template_name = "accounts/password_change.html"

    def get_success_url(self):
        messages.success(self.request, _("密码已修改。"))
        return _next_url(self.request, "/")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["forced"] = self.request.user.must_change_password or self.request.user.password_expired()
        context["next"] = _next_url(self.request, "")
        return context


class IssueTokenForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("用途"), max_length=100)
    days = forms.IntegerField(label=gettext_lazy("有效天数"), min_value=1, max_value=365, initial=90)


@login_required
def account(request):
    """The user's own page: second factor, sessions and API tokens."""
    user = request.user
    raw_token = None
    form = IssueTokenForm(request.POST or None, initial={"days": settings.KP_API_TOKEN_DAYS})
    if request.method == "POST" and form.is_valid():
        _token, raw_token = api_token_issue(
            user=user, actor=user, name=form.cleaned_data["name"], days=form.cleaned_data["days"]
        )
        form = IssueTokenForm(initial={"days": settings.KP_API_TOKEN_DAYS})
    return render(
        request,
        "accounts/account.html",
        {
            "form": form,
            "raw_token": raw_token,
            "tokens": APIToken.objects.filter(user=user).order_by("-created_at"),
            "sessions": UserSession.objects.filter(user=user),
            "current_key": request.session.session_key,
            "has_totp": TOTPDevice.objects.filter(user=user, confirmed=True).exists(),
        },
    )


@login_required
@require_POST
def token_revoke(request, pk: int):
    token = get_object_or_404(APIToken, pk=pk, user=request.user)
    api_token_revoke(token=token, actor=request.user)
    messages.success(request, _("令牌 %(prefix)s… 已吊销。") % {"prefix": token.prefix})
    return redirect("accounts:account")
