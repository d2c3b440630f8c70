from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django import forms
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm

from caremarket.accounts import selectors
from caremarket.accounts.models import ROLES_BY_KIND, Organisation, OrganisationKind, Role
from caremarket.common.forms import GovForm, GovFormMixin

DEACTIVATED = (
    "This account has been deactivated. Ask an administrator in your organisation to reactivate it."
)


class SignInForm(GovFormMixin, AuthenticationForm):
    submit_label = "Sign in"
    error_messages = {
        "invalid_login": "Enter a correct e-mail address and password. Both are case-sensitive"
        " except the e-mail address.",
        "inactive": DEACTIVATED,
    }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["username"].label = "E-mail address"
        self.fields["username"].widget = forms.EmailInput(attrs={"autocomplete": "email"})

    def get_invalid_login_error(self) -> forms.ValidationError:
        email = self.cleaned_data.get("username") or ""
        password = self.cleaned_data.get("password") or ""
        if selectors.user_is_deactivated_with_password(email=email, password=password):
            return forms.ValidationError(DEACTIVATED, code="inactive")
        return super().get_invalid_login_error()


def role_choices_for(kind: str | None) -> list[tuple[str, str]]:
    allowed = ROLES_BY_KIND.get(kind or "", tuple(Role.values))
    return [(v, label) for v, label in Role.choices if v in allowed]


class UserForm(GovForm):
    submit_label = "Save"
    full_name = forms.CharField(max_length=150, label="Full name")
    email = forms.EmailField(
        label="E-mail address", help_text="Used to sign in. Never reused by another account."
    )
    job_title = forms.CharField(max_length=150, required=False)
    role = forms.ChoiceField(choices=Role.choices)

    def __init__(self, *args: Any, organisation_kind: str | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        role_field = self.fields["role"]
        assert isinstance(role_field, forms.ChoiceField)
        role_field.choices = role_choices_for(organisation_kind)


class NewUserForm(UserForm):
    submit_label = "Add user"
    organisation = forms.ModelChoiceField(queryset=Organisation.objects.filter(is_active=True))

    def __init__(
        self, *args: Any, fixed_organisation: Organisation | None = None, **kwargs: Any
    ) -> None:
        super().__init__(
            *args,
            organisation_kind=fixed_organisation.kind if fixed_organisation else None,
            **kwargs,
        )
        if fixed_organisation is not None:
            del self.fields["organisation"]
        # No default role: a careless save must not create an administrator.
        role_field = self.fields["role"]
        assert isinstance(role_field, forms.ChoiceField)
        role_field.choices = [("", "Choose a role"), *list(role_field.choices)]  # type: ignore[arg-type]
        role_field.error_messages["required"] = "Choose the person's role."


class ReactivateForm(GovForm):
    submit_label = "Reactivate account"
    full_name = forms.CharField(
        max_length=150,
        label="Name of the person who now uses this address",
    )
    send_password_reset = forms.BooleanField(
        required=False,
        initial=True,
        label="Reset the password and e-mail a link to set a new one",
    )


class OrganisationForm(GovForm):
    submit_label = "Save"
    name = forms.CharField(max_length=200)
    kind = forms.ChoiceField(choices=OrganisationKind.choices)
    reference = forms.CharField(
        max_length=40, required=False, help_text="ODS code, CQC provider ID or ONS code"
    )
    email = forms.EmailField(required=False)
    phone = forms.CharField(max_length=40, required=False)


class PartnersForm(GovForm):
    submit_label = "Save partners"
    partners = forms.ModelMultipleChoiceField(
        queryset=Organisation.objects.filter(
            kind__in=[OrganisationKind.COUNCIL, OrganisationKind.NHS]
        ),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Partners can find and book each other's block-purchased rooms.",
    )


class ApiTokenForm(GovForm):
    submit_label = "Create token"
    name = forms.CharField(
        max_length=100,
        label="Token name",
        help_text="For example, the name of the system that will use it",
    )


class ChangePasswordForm(GovForm):
    submit_label = "Change password"
    current_password = forms.CharField(
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"})
    )
    new_password = forms.CharField(
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text="At least 12 characters, not a common password",
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        self.user = user
        super().__init__(*args, **kwargs)

    def clean_current_password(self) -> str:
        value: str = self.cleaned_data["current_password"]
        if not self.user.check_password(value):
            raise forms.ValidationError("Your current password is not correct.")
        return value


class ResetPasswordForm(PasswordResetForm):
    def get_users(self, email: str) -> Iterator[Any]:
        # Unlike Django's default, include active users who never set a password
        # (invited, or reactivated for a new holder) so they can always get a link.
        user = selectors.user_get_by_email(email=email)
        if user is not None and user.is_active:
            yield user


class TwoFactorCodeForm(GovForm):
    """A code at sign-in: the app's 6 digits or one of the backup codes."""

    submit_label = "Continue"
    code = forms.CharField(
        max_length=40,
        label="Code",
        help_text="The 6-digit code your authenticator app shows now, or one of your backup codes",
        error_messages={"required": "Enter the code from your authenticator app."},
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "spellcheck": "false", "autocapitalize": "none"}
        ),
    )


class TwoFactorAppCodeForm(GovForm):
    """A code from the authenticator app alone: to prove a new app, or to turn it off."""

    submit_label = "Turn on two-factor sign-in"
    code = forms.CharField(
        max_length=20,
        label="Code from your authenticator app",
        help_text="6 digits",
        error_messages={"required": "Enter the 6-digit code from your authenticator app."},
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "spellcheck": "false"}
        ),
    )

    def __init__(self, *args: Any, submit_label: str | None = None, **kwargs: Any) -> None:
        if submit_label:
            self.submit_label = submit_label
        super().__init__(*args, **kwargs)


class TwoFactorMoveForm(TwoFactorAppCodeForm):
    """Moving to a new phone: a code from the app in use now (or a backup code) first."""

    submit_label = "Move to the new app"
    current_code = forms.CharField(
        max_length=40,
        label="Code from the app you use now, or a backup code",
        error_messages={
            "required": "Enter a code from the app you use now, or one of your backup codes."
        },
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "spellcheck": "false", "autocapitalize": "none"}
        ),
    )
    field_order = ["current_code", "code"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["code"].label = "Code from your new app"
