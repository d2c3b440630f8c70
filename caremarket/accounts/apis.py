from __future__ import annotations

import datetime as dt

from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404
from django.utils import timezone
from ninja import Field, Router, Schema, Status
from ninja.pagination import paginate

from caremarket.accounts import selectors, services
from caremarket.accounts.models import ApiToken, Organisation, User
from caremarket.common.errors import NotPermitted
from caremarket.common.pagination import Pagination

router = Router(tags=["Organisations and users"])


class OrganisationOut(Schema):
    id: int
    name: str
    kind: str
    reference: str
    is_active: bool


class OrganisationIn(Schema):
    name: str
    kind: str
    reference: str = ""
    email: str = ""
    phone: str = ""


class UserOut(Schema):
    id: int
    email: str
    full_name: str
    job_title: str
    role: str
    organisation_id: int
    is_active: bool


class MeOut(UserOut):
    organisation: OrganisationOut


class UserIn(Schema):
    organisation_id: int | None = Field(None, description="Defaults to the caller's organisation")
    email: str
    full_name: str
    role: str
    job_title: str = ""


class UserPatch(Schema):
    email: str | None = None
    full_name: str | None = None
    role: str | None = None
    job_title: str | None = None


class ReactivateIn(Schema):
    full_name: str | None = None
    send_password_reset: bool = True


class TokenOut(Schema):
    id: int
    name: str
    prefix: str
    created_at: dt.datetime
    last_used_at: dt.datetime | None
    revoked_at: dt.datetime | None


class TokenCreated(TokenOut):
    token: str = Field(..., description="The secret. Shown once: store it now.")


class TokenIn(Schema):
    name: str


def _visible_user(request: HttpRequest, user_id: int) -> User:
    user = get_object_or_404(User.objects.select_related("organisation"), pk=user_id)
    if not request.user.has_perm("accounts.manage_user", user):
        raise Http404
    return user


@router.get("/me", response=MeOut, summary="The signed-in user")
def me(request: HttpRequest) -> User:
    return selectors.current_user(request)


@router.get("/tokens", response=list[TokenOut], summary="Your API tokens")
def token_list(request: HttpRequest) -> list[ApiToken]:
    return list(selectors.api_token_list(user=selectors.current_user(request)))


@router.post("/tokens", response={201: TokenCreated}, summary="Create an API token")
def token_create(request: HttpRequest, payload: TokenIn) -> Status:
    token, raw = services.api_token_create(
        actor=selectors.current_user(request), name=payload.name, now=timezone.now()
    )
    return Status(201, {**TokenOut.from_orm(token).dict(), "token": raw})


@router.delete("/tokens/{token_id}", response={204: None}, summary="Revoke an API token")
def token_revoke(request: HttpRequest, token_id: int) -> Status:
    token = get_object_or_404(ApiToken, pk=token_id, user=selectors.current_user(request))
    services.api_token_revoke(
        actor=selectors.current_user(request), token=token, now=timezone.now()
    )
    return Status(204, None)


@router.get(
    "/organisations",
    response=list[OrganisationOut],
    summary="Organisations (council administrators)",
)
@paginate(Pagination)
def organisation_list(request: HttpRequest, kind: str | None = None, q: str = "") -> object:
    if not request.user.has_perm("accounts.manage_organisations"):
        raise NotPermitted("Only council administrators can list organisations.")
    return selectors.organisation_list(kind=kind, search=q)


@router.post("/organisations", response={201: OrganisationOut}, summary="Add an organisation")
def organisation_create(request: HttpRequest, payload: OrganisationIn) -> Status:
    return Status(
        201,
        services.organisation_create(
            now=timezone.now(), actor=selectors.current_user(request), **payload.dict()
        ),
    )


@router.get("/users", response=list[UserOut], summary="Users you may manage")
@paginate(Pagination)
def user_list(request: HttpRequest, organisation_id: int | None = None, q: str = "") -> object:
    viewer = selectors.current_user(request)
    if not viewer.has_perm("accounts.list_users"):
        raise NotPermitted("Only administrators can list users.")
    return selectors.user_list_visible_to(viewer=viewer, organisation_id=organisation_id, search=q)


@router.post("/users", response={201: UserOut}, summary="Add a user")
def user_create(request: HttpRequest, payload: UserIn) -> Status:
    viewer = selectors.current_user(request)
    org = viewer.organisation
    if payload.organisation_id and payload.organisation_id != viewer.organisation_id:
        org = get_object_or_404(Organisation, pk=payload.organisation_id)
        if not viewer.has_perm("accounts.manage_users_of", org):
            raise Http404
    user = services.user_create(
        now=timezone.now(),
        actor=viewer,
        organisation=org,
        email=payload.email,
        full_name=payload.full_name,
        role=payload.role,
        job_title=payload.job_title,
    )
    return Status(201, user)


@router.get("/users/{user_id}", response=UserOut, summary="One user")
def user_get(request: HttpRequest, user_id: int) -> User:
    return _visible_user(request, user_id)


@router.patch("/users/{user_id}", response=UserOut, summary="Rename, change e-mail or role")
def user_patch(request: HttpRequest, user_id: int, payload: UserPatch) -> User:
    user = _visible_user(request, user_id)
    return services.user_update(
        now=timezone.now(),
        actor=selectors.current_user(request),
        user=user,
        **payload.dict(exclude_unset=True),
    )


@router.post("/users/{user_id}/deactivate", response=UserOut, summary="Deactivate an account")
def user_deactivate(request: HttpRequest, user_id: int) -> User:
    return services.user_deactivate(
        actor=selectors.current_user(request),
        user=_visible_user(request, user_id),
        now=timezone.now(),
    )


@router.post("/users/{user_id}/reactivate", response=UserOut, summary="Reactivate an account")
def user_reactivate(request: HttpRequest, user_id: int, payload: ReactivateIn) -> User:
    return services.user_reactivate(
        actor=selectors.current_user(request),
        user=_visible_user(request, user_id),
        full_name=payload.full_name,
        send_password_reset=payload.send_password_reset,
        now=timezone.now(),
    )
