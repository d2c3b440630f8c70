"""Loading the book of care the council already commissions."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from caremarket.accounts.selectors import current_user
from caremarket.common.errors import DomainError
from caremarket.common.forms import form_add_domain_error
from caremarket.common.permissions import require_visible
from caremarket.common.text import counted
from caremarket.sourcing.forms import CareBookForm
from caremarket.sourcing.selectors import packages as selectors
from caremarket.sourcing.selectors.care_book import care_book_template_csv
from caremarket.sourcing.services import care_book


@login_required
def care_book_page(request: HttpRequest) -> HttpResponse:
    """The Live at Home team loads the care the council already commissions, whole or not."""
    require_visible(request.user, "sourcing.import_care_book")
    form = CareBookForm(request.POST or None, request.FILES or None)
    problems: list[dict[str, object]] = []
    total = 0
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            run = care_book.care_book_import(
                actor=current_user(request),
                data=upload.read(),
                filename=upload.name,
                now=timezone.now(),
            )
        except care_book.CareBookInvalid as exc:
            problems, total = exc.problems, exc.total
            form_add_domain_error(form, exc)
        except DomainError as exc:
            form_add_domain_error(form, exc)
        else:
            messages.success(
                request,
                f"{run.filename}: {counted(run.packages, 'package')} loaded,"
                f" {counted(run.purchase_orders, 'framework purchase order')} carried over at"
                f" their prices, {run.spot_packages} spot.",
            )
            return redirect("sourcing:care-book")
    return render(
        request,
        "sourcing/care_book.html",
        {
            "form": form,
            "problems": problems,
            "total": total,
            "runs": selectors.care_book_import_list(),
        },
        status=400 if form.errors else 200,
    )


@login_required
def care_book_template(request: HttpRequest) -> HttpResponse:
    require_visible(request.user, "sourcing.import_care_book")
    response = HttpResponse(care_book_template_csv(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="book-of-care-template.csv"'
    return response
