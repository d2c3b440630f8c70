from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache

from caremarket.accounts.models import User
from caremarket.common.errors import DomainError
from caremarket.common.forms import form_add_domain_error
from caremarket.common.spreadsheets import Sheet, csv_text
from caremarket.core import selectors
from caremarket.core.forms import DataImportForm
from caremarket.core.models import DataImport
from caremarket.core.selectors import database_status, worker_status
from caremarket.core.services import data_import_receive


def home(request: HttpRequest) -> HttpResponse:
    return render(request, "core/home.html")


@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    """For the load balancer: this web process and its database. The worker is reported, but a
    late worker does not take the web process out of service (/healthz/worker alerts on it)."""
    db = database_status()
    body = {"status": "ok" if db["ok"] else "error", "database": db}
    if db["ok"]:
        body["worker"] = worker_status(now=timezone.now())
    return JsonResponse(body, status=200 if db["ok"] else 503)


@never_cache
def healthz_worker(request: HttpRequest) -> JsonResponse:
    """For monitoring: 503 when the task worker has missed its heartbeat for three minutes."""
    worker = worker_status(now=timezone.now())
    return JsonResponse(
        {"status": "ok" if worker["ok"] else "late", "worker": worker},
        status=200 if worker["ok"] else 503,
    )


def accessibility(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "core/accessibility.html",
        {
            "checked_on": dt.date.fromisoformat(settings.ACCESSIBILITY_CHECKED_ON),
            "contact": settings.ACCESSIBILITY_CONTACT_EMAIL,
        },
    )


def privacy(request: HttpRequest) -> HttpResponse:
    return render(request, "core/privacy.html")


def error_404(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "errors/404.html", status=404)


def error_403(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "errors/403.html", status=403)


def error_500(request: HttpRequest) -> HttpResponse:
    return render(request, "errors/500.html", status=500)


# Reference data (CQC and ONS files), for the council administrator.


def _admin(request: HttpRequest) -> User:
    user = request.user
    if not isinstance(user, User) or not user.has_perm("core.import_reference_data"):
        raise Http404
    return user


def _run(request: HttpRequest, pk: int) -> DataImport:
    _admin(request)
    run = selectors.data_import_get(pk=pk)
    if run is None:
        raise Http404
    return run


@login_required
def import_list(request: HttpRequest) -> HttpResponse:
    user = _admin(request)
    wants_json = request.headers.get("X-Requested-With") == "XMLHttpRequest"
    form = DataImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            run = data_import_receive(
                actor=user,
                chunks=upload.chunks(),
                filename=upload.name,
                partial=form.cleaned_data["partial"],
                now=timezone.now(),
            )
        except DomainError as exc:
            form_add_domain_error(form, exc)
        else:
            url = reverse("core:data-import", args=[run.pk])
            return JsonResponse({"id": run.pk, "url": url}) if wants_json else redirect(url)
    if request.method == "POST" and wants_json:
        errors = [str(e) for errs in form.errors.values() for e in errs]
        return JsonResponse({"errors": errors}, status=400)
    page = Paginator(selectors.data_import_list(), 25).get_page(request.GET.get("page"))
    return render(
        request,
        "core/data_imports.html",
        {"form": form, "page": page},
        status=400 if form.errors else 200,
    )


@login_required
def import_detail(request: HttpRequest, pk: int) -> HttpResponse:
    run = _run(request, pk)
    report = selectors.data_import_report(run=run)
    pending = run.status in (DataImport.Status.QUEUED, DataImport.Status.RUNNING)
    return render(
        request,
        "core/data_import.html",
        {
            "run": run,
            "report": report,
            "skipped_shown": report.skipped[:100] if report else [],
            "pending": pending,
            "rows_read": selectors.data_import_rows_read(run=run) if pending else None,
        },
    )


@login_required
def import_report(request: HttpRequest, pk: int) -> HttpResponse:
    run = _run(request, pk)
    table = selectors.data_import_report_table(run=run)
    body = csv_text(
        sheet=Sheet(title="Import report", columns=["Item", "Value", "Reason"], rows=table)
    )
    response = HttpResponse(body, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="import-{run.pk}-report.csv"'
    return response
