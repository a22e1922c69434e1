"""Login with throttling: repeated failures for one account or one address lock it for a while."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import AuthenticationForm
from django.core.cache import cache
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _


def _keys(request: HttpRequest, username: str) -> list[str]:
    address = request.META.get("REMOTE_ADDR", "")
    return [f"login-fail:user:{username.strip().lower()}", f"login-fail:addr:{address}"]


def is_locked(request: HttpRequest, username: str) -> bool:
    """Locked when one account failed too often, or one address failed for many accounts."""
    per_user: int = settings.LOGIN_FAILURE_LIMIT
    user_key, address_key = _keys(request, username)
    failures_user: int = cache.get(user_key, 0)
    failures_address: int = cache.get(address_key, 0)
    return failures_user >= per_user or failures_address >= per_user * 4


def record_failure(request: HttpRequest, username: str) -> None:
    for key in _keys(request, username):
        cache.add(key, 0, settings.LOGIN_LOCKOUT_SECONDS)
        try:
            cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.set(key, 1, settings.LOGIN_LOCKOUT_SECONDS)


def clear_failures(request: HttpRequest, username: str) -> None:
    cache.delete_many(_keys(request, username)[:1])


class ThrottledAuthenticationForm(AuthenticationForm):
    error_messages = {  # noqa: RUF012 — Django's own attribute, merged per form
        **AuthenticationForm.error_messages,
        "invalid_login": _("用户名或密码不正确，请重新输入。"),
        "locked": _("登录失败次数过多，请 %(minutes)s 分钟后再试。"),
    }

    def clean(self) -> dict[str, Any]:
        username = self.data.get("username", "")
        if is_locked(self.request, username):  # type: ignore[arg-type]
            raise forms.ValidationError(
                self.error_messages["locked"],
                code="locked",
                params={"minutes": settings.LOGIN_LOCKOUT_SECONDS // 60},
            )
        try:
            cleaned = super().clean()
        except forms.ValidationError:
            record_failure(self.request, username)  # type: ignore[arg-type]
            raise
        clear_failures(self.request, username)  # type: ignore[arg-type]
        return cleaned


class LoginView(auth_views.LoginView):
    form_class = ThrottledAuthenticationForm
