from django.contrib.auth import views as auth_views
from django.urls import path

from caremarket.accounts import views

app_name = "accounts"

urlpatterns = [
    path("sign-in/", views.SignInView.as_view(), name="sign-in"),
    path("sign-in/code/", views.sign_in_code, name="sign-in-code"),
    path("sign-in/set-up-two-factor/", views.sign_in_set_up, name="sign-in-set-up"),
    path("sign-out/", auth_views.LogoutView.as_view(), name="sign-out"),
    path("password-reset/", views.PasswordResetView.as_view(), name="password-reset"),
    path("password-reset/sent/", views.PasswordResetDoneView.as_view(), name="password-reset-done"),
    path(
        "reset/<uidb64>/<token>/",
        views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path("reset/done/", views.PasswordResetCompleteView.as_view(), name="password-reset-complete"),
    path("account/", views.account, name="account"),
    path("account/two-factor/", views.two_factor_set_up, name="two-factor-set-up"),
    path("account/two-factor/turn-off/", views.two_factor_remove, name="two-factor-remove"),
    path("account/tokens/", views.token_create, name="token-create"),
    path("account/tokens/<int:pk>/revoke/", views.token_revoke, name="token-revoke"),
    path("users/", views.user_list, name="user-list"),
    path("users/new/", views.user_create, name="user-create"),
    path("users/<int:pk>/", views.user_detail, name="user-detail"),
    path("users/<int:pk>/deactivate/", views.user_deactivate, name="user-deactivate"),
    path("users/<int:pk>/reactivate/", views.user_reactivate, name="user-reactivate"),
    path("users/<int:pk>/send-reset/", views.user_send_reset, name="user-send-reset"),
    path(
        "users/<int:pk>/reset-two-factor/",
        views.user_two_factor_reset,
        name="user-two-factor-reset",
    ),
    path("organisations/", views.organisation_list, name="organisation-list"),
    path("organisations/new/", views.organisation_create, name="organisation-create"),
    path("organisations/<int:pk>/", views.organisation_detail, name="organisation-detail"),
]
