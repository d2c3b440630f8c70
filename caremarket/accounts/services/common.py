"""What the account services share: the refusal for another organisation's people, ending
a person's sessions, and the password e-mails."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from caremarket.accounts.models import User
from caremarket.common.errors import ValidationFailed

NOT_PERMITTED_USERS = "You can only manage the users of your own organisation."


def sessions_end(user: User, *, now: dt.datetime) -> None:
    """Delete the user's stored sessions (the password hash check would refuse them anyway)."""
    from django.contrib.sessions.models import Session

    for session in Session.objects.filter(expire_date__gt=now).iterator():
        if session.get_decoded().get("_auth_user_id") == str(user.pk):
            session.delete()


def password_validate(password: str, user: User) -> None:
    try:
        validate_password(password, user)
    except ValidationError as exc:
        raise ValidationFailed({"password": list(exc.messages)}) from exc


def password_email_send(user: User, *, subject: str) -> None:
    # Django's reset tokens: single-use (they hash the password) and time-limited.
    template = (
        "accounts/email/set_password" if subject == "set" else "accounts/email/reset_password"
    )
    context = {
        "email": user.email,
        "domain": settings.SITE_URL.split("://", 1)[-1],
        "protocol": "https" if settings.SITE_URL.startswith("https") else "http",
        "uid": urlsafe_base64_encode(force_bytes(user.pk)),
        "token": default_token_generator.make_token(user),
        "service_name": settings.SERVICE_NAME,
    }
    send_mail(
        subject="".join(render_to_string(f"{template}_subject.txt", context).splitlines()),
        message=render_to_string(f"{template}.txt", context),
        from_email=settings.DEFAULT_FROM_EMAIL,
        recipient_list=[user.email],
    )
