"""Request bodies beyond their route's limit are refused from the header, before being read."""

from __future__ import annotations

import http.client
import time
from urllib.parse import urlparse

import pytest

MB = 1024 * 1024


def test_a_declared_300_mb_sign_in_post_answers_413_with_the_limit(client):
    response = client.post(
        "/accounts/sign-in/",
        data=b"username=a&password=b",
        content_type="application/x-www-form-urlencoded",
        CONTENT_LENGTH=str(300 * MB),
    )
    assert response.status_code == 413
    assert "at most 256 KB and 300 MB was sent" in response.content.decode()


def test_the_api_answers_413_as_json_and_uploads_keep_their_own_larger_limit(world):
    client = world.client_for(world.council_admin)
    api = client.post(
        "/api/v1/tokens", b"{}", content_type="application/json", CONTENT_LENGTH=str(30 * MB)
    )
    assert api.status_code == 413
    assert api.json()["code"] == "TooLarge"
    # 30 MB is within the visit-file upload's limit: the request reaches the view.
    upload = client.post(
        "/api/v1/ehm/submissions",
        b"",
        content_type="multipart/form-data; boundary=x",
        CONTENT_LENGTH=str(30 * MB),
    )
    assert upload.status_code != 413


def test_a_bad_content_length_is_refused(client):
    response = client.post("/accounts/sign-in/", b"", content_type="text/plain", CONTENT_LENGTH="x")
    assert response.status_code == 400


@pytest.mark.django_db(transaction=True)
def test_a_real_300_mb_post_to_the_sign_in_page_is_refused_quickly(live_server):
    url = urlparse(live_server.url)
    connection = http.client.HTTPConnection(url.hostname, url.port, timeout=10)
    started = time.monotonic()
    connection.putrequest("POST", "/accounts/sign-in/")
    connection.putheader("Content-Type", "application/x-www-form-urlencoded")
    connection.putheader("Content-Length", str(300 * MB))
    connection.endheaders()
    sent = 0
    try:
        # Keep sending until the server answers and closes; it must not wait for 300 MB.
        chunk = b"x" * MB
        while sent < 300 * MB:
            connection.sock.sendall(chunk)
            sent += len(chunk)
            if sent >= 4 * MB:
                break
    except (BrokenPipeError, ConnectionResetError):
        pass
    response = connection.getresponse()
    elapsed = time.monotonic() - started
    assert response.status == 413
    # The development server drains the unread body before closing: read what has arrived.
    assert b"too large" in response.read1(65536)
    assert elapsed < 5
    connection.close()
