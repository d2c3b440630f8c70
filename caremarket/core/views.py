from __future__ import annotations

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.cache import never_cache

from caremarket.core.selectors import database_status, worker_status


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
    return render(request, "core/accessibility.html")


def privacy(request: HttpRequest) -> HttpResponse:
    return render(request, "core/privacy.html")


def error_404(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "errors/404.html", status=404)


def error_403(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "errors/403.html", status=403)


def error_500(request: HttpRequest) -> HttpResponse:
    return render(request, "errors/500.html", status=500)
