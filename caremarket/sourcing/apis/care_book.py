"""Loading the book of care the council already commissions."""

from __future__ import annotations

from django.http import HttpRequest
from django.utils import timezone
from ninja import File, Schema, Status
from ninja.files import UploadedFile

from caremarket.accounts.selectors import current_user
from caremarket.common.permissions import require_visible
from caremarket.sourcing.apis.common import router
from caremarket.sourcing.services import care_book


class CareBookProblemOut(Schema):
    row: int | str
    column: str
    value: str
    rule: str


class CareBookOut(Schema):
    id: int
    filename: str
    packages: int
    purchase_orders: int
    spot_packages: int


class CareBookRefusedOut(Schema):
    """A file refused for its rows (``total``, ``problems``), or a request refused before any
    file was read, such as one without a file (``errors``, as every 422 of the API)."""

    detail: str
    code: str
    total: int | None = None
    problems: list[CareBookProblemOut] = []


@router.post(
    "/care-book-imports",
    response={201: CareBookOut, 422: CareBookRefusedOut},
    summary="Load the council's book of care (CSV or xlsx, multipart field 'file'), whole or not",
    operation_id="caremarket_sourcing_apis_care_book_create",
)
def care_book_create(request: HttpRequest, file: File[UploadedFile]) -> Status:
    require_visible(request.user, "sourcing.import_care_book")
    try:
        run = care_book.care_book_import(
            actor=current_user(request),
            data=file.read(),
            filename=file.name or "book.csv",
            now=timezone.now(),
        )
    except care_book.CareBookInvalid as exc:
        body = {"detail": exc.message, "code": "ValidationFailed", "total": exc.total}
        return Status(422, {**body, "problems": exc.problems})
    return Status(201, run)
