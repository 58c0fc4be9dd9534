from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.forms import AdminPasswordChangeForm, UserCreationForm
from django.utils.translation import gettext_lazy as _

from apps.audit.mixins import AuditedAdmin
from apps.audit.models import SecurityEventKind
from apps.audit.services import security_event_write

from .models import APIToken, Role, User, UserSession
from .services import api_token_revoke, user_second_factor_reset, user_sessions_end, user_unlock

# Fields only the security administrator (or a superuser) may change: who may do what.
AUTHORITY_FIELDS = ("role", "is_active", "is_staff", "is_superuser", "groups", "user_permissions")


class IssuedPasswordChangeForm(AdminPasswordChangeForm):
    """A password set by an administrator must be changed by its user at first login."""

    def save(self, commit=True):
        self.user.must_change_password = True
        user = super().save(commit=commit)
        security_event_write(kind=SecurityEventKind.PASSWORD_ISSUED, user=user)
        return user


class IssuedUserCreationForm(UserCreationForm):
    class Meta(UserCreationForm.Meta):
        model = User
        fields = ("username", "role")

    def save(self, commit=True):
        self.instance.must_change_password = True
        user = super().save(commit=commit)
        if commit:
            security_event_write(kind=SecurityEventKind.PASSWORD_ISSUED, user=user)
        return user


@admin.register(User)
class UserAdmin(AuditedAdmin, BaseUserAdmin):
    list_display = ("username", "last_name", "first_name", "role", "region", "organisation", "is_active")
    list_filter = ("role", "is_active", "region")
    list_select_related = ("region", "organisation")
    fieldsets = (
        *BaseUserAdmin.fieldsets,
        (_("角色与范围"), {"fields": ("role", "region", "organisation", "person")}),
        (_("密码策略"), {"fields": ("must_change_password", "password_changed_at")}),
    )
    add_fieldsets = ((None, {"classes": ("wide",), "fields": ("username", "role", "password1", "password2")}),)
    autocomplete_fields = ("region", "organisation", "person")
    add_form = IssuedUserCreationForm
    change_password_form = IssuedPasswordChangeForm
    actions = ["unlock", "reset_second_factor", "end_sessions", "require_password_change"]

    def get_readonly_fields(self, request, obj=None):
        readonly = ["password_changed_at", "last_login", "date_joined"]
        if not request.user.is_superuser:
            readonly += ["is_superuser", "groups", "user_permissions", "is_staff"]
            if request.user.role != Role.SECURITY_ADMIN:
                readonly += ["role", "is_active"]
        return readonly

    def get_actions(self, request):
        actions = super().get_actions(request)
        if not (request.user.is_superuser or request.user.role == Role.SECURITY_ADMIN):
            for name in self.actions:
                actions.pop(name, None)
        return actions

    @admin.action(description=_("解除登录锁定"))
    def unlock(self, request, queryset):
        for user in queryset:
            user_unlock(user=user, actor=request.user)
        self.message_user(request, _("已解除所选用户的登录锁定。"), messages.SUCCESS)

    @admin.action(description=_("重置双因素认证（下次登录重新绑定）"))
    def reset_second_factor(self, request, queryset):
        for user in queryset:
            user_second_factor_reset(user=user, actor=request.user)
        self.message_user(request, _("已重置所选用户的双因素认证。"), messages.SUCCESS)

    @admin.action(description=_("结束全部登录会话"))
    def end_sessions(self, request, queryset):
        ended = sum(user_sessions_end(user=user, actor=request.user, reason="administrator") for user in queryset)
        self.message_user(request, _("已结束 %(n)s 个会话。") % {"n": ended}, messages.SUCCESS)

    @admin.action(description=_("要求下次登录修改密码"))
    def require_password_change(self, request, queryset):
        for user in queryset:
            user.must_change_password = True
            user.save(update_fields=["must_change_password"])
        self.message_user(request, _("所选用户下次登录须修改密码。"), messages.SUCCESS)


@admin.register(APIToken)
class APITokenAdmin(admin.ModelAdmin):
    list_display = ("prefix", "name", "user", "created_at", "expires_at", "last_used_at", "revoked")
    list_filter = ("revoked",)
    readonly_fields = ("user", "name", "prefix", "created_at", "expires_at", "last_used_at", "revoked", "revoked_at")
    fields = readonly_fields
    actions = ["revoke"]

    def has_add_permission(self, request):
        # Tokens are issued on the user's own page or with `manage.py issue_token`, so the raw
        # value is shown once to the person who will use it.
        return False

    @admin.action(description=_("吊销所选令牌"))
    def revoke(self, request, queryset):
        for token in queryset.select_related("user"):
            api_token_revoke(token=token, actor=request.user)


@admin.register(UserSession)
class UserSessionAdmin(admin.ModelAdmin):
    list_display = ("user", "created_at", "client_ip", "user_agent")
    list_select_related = ("user",)
    readonly_fields = ("user", "session_key", "created_at", "client_ip", "user_agent")

    def has_add_permission(self, request):
        return False

    def delete_model(self, request, obj):
        user_sessions_end(user=obj.user, actor=request.user, reason="administrator")

    def delete_queryset(self, request, queryset):
        for user in {session.user for session in queryset.select_related("user")}:
            user_sessions_end(user=user, actor=request.user, reason="administrator")
