"""The account pages, one module per concept (decision 0053)."""

from caremarket.accounts.views.account import account, token_create, token_revoke
from caremarket.accounts.views.common import too_many
from caremarket.accounts.views.organisations import (
    organisation_create,
    organisation_detail,
    organisation_list,
)
from caremarket.accounts.views.passwords import (
    PasswordResetCompleteView,
    PasswordResetConfirmView,
    PasswordResetDoneView,
    PasswordResetView,
)
from caremarket.accounts.views.sign_in import (
    SignInView,
    sign_in_code,
    sign_in_set_up,
    two_factor_remove,
    two_factor_set_up,
)
from caremarket.accounts.views.users import (
    user_create,
    user_deactivate,
    user_detail,
    user_list,
    user_reactivate,
    user_send_reset,
    user_two_factor_reset,
)

__all__ = [
    "PasswordResetCompleteView",
    "PasswordResetConfirmView",
    "PasswordResetDoneView",
    "PasswordResetView",
    "SignInView",
    "account",
    "organisation_create",
    "organisation_detail",
    "organisation_list",
    "sign_in_code",
    "sign_in_set_up",
    "token_create",
    "token_revoke",
    "too_many",
    "two_factor_remove",
    "two_factor_set_up",
    "user_create",
    "user_deactivate",
    "user_detail",
    "user_list",
    "user_reactivate",
    "user_send_reset",
    "user_two_factor_reset",
]
