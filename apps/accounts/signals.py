"""Security events for logins, logouts and account changes, and the session registry."""

from axes.signals import user_locked_out
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db.models.signals import post_save, pre_save
from django.dispatch import receiver
from django.utils import timezone

from apps.audit.models import SecurityEventKind
from apps.audit.services import security_event_write

from .models import User, UserSession

SESSION_AUTH_AT = "_kp_auth_at"
SESSION_SEEN_AT = "_kp_seen_at"


@receiver(user_logged_in)
def _logged_in(sender, request, user, **kwargs):
    if request is None or not hasattr(request, "session"):
        return
    now = timezone.now().timestamp()
    request.session[SESSION_AUTH_AT] = request.session[SESSION_SEEN_AT] = now
    if request.session.session_key is None:
        request.session.save()
    UserSession.objects.update_or_create(
        session_key=request.session.session_key,
        defaults={
            "user": user,
            "client_ip": getattr(request, "client_ip", None) or request.META.get("REMOTE_ADDR"),
            "user_agent": request.headers.get("User-Agent", "")[:200],
        },
    )
    security_event_write(kind=SecurityEventKind.LOGIN, user=user)


@receiver(user_logged_out)
def _logged_out(sender, request, user, **kwargs):
    if user is None:
        return
    from .services import user_sessions_end

    security_event_write(kind=SecurityEventKind.LOGOUT, user=user)
    # Logging out ends the user's other sessions too (other browsers, other devices).
    user_sessions_end(user=user, actor=user, reason="logout")


@receiver(user_login_failed)
def _login_failed(sender, credentials, request=None, **kwargs):
    username = str((credentials or {}).get("username") or "")
    known = User.objects.filter(username=username).first() if username else None
    security_event_write(
        kind=SecurityEventKind.LOGIN_FAILED,
        user=known,
        username=username,
        detail={"locked": bool(getattr(request, "axes_locked_out", False))},
    )


@receiver(user_locked_out)
def _locked_out(sender, request, username, ip_address, **kwargs):
    known = User.objects.filter(username=username).first() if username else None
    security_event_write(
        kind=SecurityEventKind.LOCKED_OUT, user=known, username=username or "", detail={"ip": ip_address}
    )


@receiver(pre_save, sender=User)
def _remember_authority(sender, instance, **kwargs):
    if instance.pk is None:
        instance._authority_before = None
        return
    instance._authority_before = (
        User.objects.filter(pk=instance.pk).values("role", "is_active", "is_staff", "is_superuser").first()
    )


@receiver(post_save, sender=User)
def _authority_changed(sender, instance, created, **kwargs):
    before = getattr(instance, "_authority_before", None)
    if not before:
        return
    after = {name: getattr(instance, name) for name in before}
    changed = {name: [before[name], after[name]] for name in before if before[name] != after[name]}
    if not changed:
        return
    from apps.core.context import current_actor

    actor = current_actor()
    if set(changed) - {"is_active"}:
        security_event_write(kind=SecurityEventKind.ROLE_CHANGED, user=instance, actor=actor, detail=changed)
    if "is_active" in changed and not instance.is_active:
        from .services import user_sessions_end

        security_event_write(kind=SecurityEventKind.DEACTIVATED, user=instance, actor=actor)
        user_sessions_end(user=instance, actor=actor, reason="deactivated")
