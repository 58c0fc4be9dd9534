"""What each role may do in the administration site (三员分立), as Django permissions.

The permissions follow from the role, so there are no groups to keep in step: the role
field is the one place a user's authority is set (and its change is a security event).
Business data is scoped by the role in each model's `scope_q`; the administrator roles
have no business scope at all.
"""

from django.contrib.auth.backends import BaseBackend

from .models import Role

ALL = ("add", "change", "delete", "view")
BUSINESS_APPS = ("projects", "problems", "approvals", "reporting", "statistics", "imports", "exports")
REFERENCE_APPS = ("regions", "workdays")

# role -> {app_label: {model_name: actions}} ("*" for every model of the app)
ROLE_PERMISSIONS: dict[str, dict[str, dict[str, tuple[str, ...]]]] = {
    Role.CITY_ADMIN: {**{app: {"*": ALL} for app in BUSINESS_APPS}, **{app: {"*": ALL} for app in REFERENCE_APPS}},
    Role.SYSTEM_ADMIN: {
        **{app: {"*": ALL} for app in REFERENCE_APPS},
        "accounts": {"user": ("add", "change", "view")},
    },
    Role.SECURITY_ADMIN: {
        "accounts": {"user": ("change", "view"), "apitoken": ("change", "view"), "usersession": ("view", "delete")},
        "axes": {"accessattempt": ("view", "delete"), "accesslog": ("view",), "accessfailurelog": ("view",)},
        "otp_totp": {"totpdevice": ("view", "delete")},
        "otp_static": {"staticdevice": ("view", "delete")},
        "audit": {"securityevent": ("view",)},
    },
    Role.AUDIT_ADMIN: {
        "audit": {"changerecord": ("view",), "securityevent": ("view",)},
        "axes": {"accesslog": ("view",), "accessfailurelog": ("view",), "accessattempt": ("view",)},
    },
}
STAFF_ROLES = frozenset(ROLE_PERMISSIONS)


def role_allows(role: str, perm: str) -> bool:
    app_label, _, codename = perm.partition(".")
    action, _, model = codename.partition("_")
    models = ROLE_PERMISSIONS.get(role, {}).get(app_label, {})
    return action in models.get(model, models.get("*", ()))


class RolePermissionBackend(BaseBackend):
    """Grants the administration-site permissions of the user's role (no authentication)."""

    def has_perm(self, user_obj, perm, obj=None):
        return user_obj.is_active and not user_obj.is_anonymous and role_allows(user_obj.role, perm)

    def has_module_perms(self, user_obj, app_label):
        return user_obj.is_active and not user_obj.is_anonymous and app_label in ROLE_PERMISSIONS.get(user_obj.role, {})
