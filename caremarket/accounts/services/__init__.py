"""The account services, one module per concept (decision 0053); `common` holds what they
share. Every public name is re-exported, so `from caremarket.accounts import services` and
`services.user_create` work as before."""

from caremarket.accounts.services.common import (
    NOT_PERMITTED_USERS,
    password_email_send,
    password_validate,
    sessions_end,
)
from caremarket.accounts.services.organisations import (
    organisation_create,
    organisation_set_partners,
    organisation_update,
)
from caremarket.accounts.services.passwords import (
    user_password_reset_complete,
    user_password_reset_request,
    user_send_password_reset,
    user_set_password,
)
from caremarket.accounts.services.tokens import (
    TOKEN_PREFIX,
    api_token_create,
    api_token_hash,
    api_token_revoke,
    api_token_touch,
)
from caremarket.accounts.services.two_factor import (
    BACKUP_CODE_COUNT,
    CANNOT_RESET_SELF,
    CODE_WRONG,
    CODE_WRONG_BACKUP,
    TWO_FACTOR_REQUIRED,
    totp_key_generate,
    user_two_factor_enrol,
    user_two_factor_remove,
    user_two_factor_reset,
    user_two_factor_verify,
)
from caremarket.accounts.services.users import (
    CANNOT_DEACTIVATE_SELF,
    EMAIL_TAKEN,
    ROLE_NOT_FOR_KIND,
    user_create,
    user_deactivate,
    user_reactivate,
    user_update,
)

__all__ = [
    "BACKUP_CODE_COUNT",
    "CANNOT_DEACTIVATE_SELF",
    "CANNOT_RESET_SELF",
    "CODE_WRONG",
    "CODE_WRONG_BACKUP",
    "EMAIL_TAKEN",
    "NOT_PERMITTED_USERS",
    "ROLE_NOT_FOR_KIND",
    "TOKEN_PREFIX",
    "TWO_FACTOR_REQUIRED",
    "api_token_create",
    "api_token_hash",
    "api_token_revoke",
    "api_token_touch",
    "organisation_create",
    "organisation_set_partners",
    "organisation_update",
    "password_email_send",
    "password_validate",
    "sessions_end",
    "totp_key_generate",
    "user_create",
    "user_deactivate",
    "user_password_reset_complete",
    "user_password_reset_request",
    "user_reactivate",
    "user_send_password_reset",
    "user_set_password",
    "user_two_factor_enrol",
    "user_two_factor_remove",
    "user_two_factor_reset",
    "user_two_factor_verify",
    "user_update",
]
