"""The accounts pages' states for the accessibility walk (see caremarket.accessibility)."""

from django.contrib.auth.tokens import default_token_generator
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from caremarket.accessibility.registry import Exempt, Page, State


def reset_link(d):
    user = d.world.care_home_user
    return {
        "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
        "token": default_token_generator.make_token(user),
    }


PAGES = [
    Page(
        "accounts:sign-in",
        roles=(None,),
        states=(
            State("empty"),
            State("errors", submit="main form .govuk-button"),
            State(
                "wrong password",
                fill={"#id_username": "broker@council.test", "#id_password": "not-it"},
                submit="main form .govuk-button",
            ),
        ),
    ),
    Page(
        "accounts:password-reset",
        roles=(None,),
        states=(State("empty"), State("errors", submit="main form .govuk-button")),
    ),
    Page("accounts:password-reset-done", roles=(None,)),
    Page(
        "accounts:password_reset_confirm",
        roles=(None,),
        states=(
            State("valid link", kwargs=reset_link),
            State(
                "errors",
                kwargs=reset_link,
                fill={"#id_new_password1": "short", "#id_new_password2": "different"},
                submit="main form .govuk-button",
            ),
            State("expired link", kwargs=lambda d: {"uidb64": "MQ", "token": "spent-token"}),
        ),
    ),
    Page("accounts:password-reset-complete", roles=(None,)),
    Page(
        "accounts:account",
        roles=("broker", "home_care_admin"),
        states=(
            State("filled"),
            State("password errors", submit="main form:has(#id_current_password) .govuk-button"),
        ),
    ),
    Page(
        "accounts:two-factor-set-up",
        roles=("broker", "home_care_admin"),
        states=(State("empty"), State("errors", submit="main form .govuk-button")),
    ),
    Page("accounts:user-list", roles=("council_admin", "care_home_admin")),
    Page(
        "accounts:user-create",
        roles=("council_admin", "care_home_admin"),
        states=(State("empty"), State("errors", submit="main form .govuk-button")),
    ),
    Page(
        "accounts:user-detail",
        roles=("council_admin",),
        states=(
            State("active", kwargs=lambda d: {"pk": d.world.broker.pk}),
            State("deactivated", kwargs=lambda d: {"pk": d.deactivated.pk}),
        ),
    ),
    Page("accounts:organisation-list", roles=("council_admin",)),
    Page(
        "accounts:organisation-create",
        roles=("council_admin",),
        states=(State("empty"), State("errors", submit="main form .govuk-button")),
    ),
    Page(
        "accounts:organisation-detail",
        roles=("council_admin",),
        states=(State("filled", kwargs=lambda d: {"pk": d.world.council.pk}),),
    ),
]

_POST = "A POST from a button on the user or account page, which it redirects back to."
EXEMPT = [
    Exempt("accounts:sign-out", "A POST from the header's Sign out button; redirects home."),
    Exempt("accounts:token-create", "POST of the account page's token form; errors shown there."),
    Exempt("accounts:token-revoke", _POST),
    Exempt("accounts:user-deactivate", _POST),
    Exempt("accounts:user-reactivate", _POST),
    Exempt("accounts:user-send-reset", _POST),
    Exempt("accounts:user-two-factor-reset", _POST),
    *(
        Exempt(name, f"Reached only {why}; axe checks it in test_browser_two_factor.py.")
        for name, why in (
            ("accounts:sign-in-code", "between the password and the code"),
            ("accounts:sign-in-set-up", "between the password and a first code"),
            ("accounts:two-factor-remove", "with two-factor sign-in on"),
        )
    ),
]
