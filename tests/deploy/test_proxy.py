"""The buffering proxy of `make serve` and compose (deploy/nginx): slow uploads never reach
gunicorn half-read, the client's address cannot be forged, oversized bodies and a saturated site
are answered by the proxy with a page in both languages, static and citizens' files are sent by
nginx. Runs the repository's configuration through scripts/proxy.sh."""

from __future__ import annotations

import gzip
import http.client
import socket
import threading
import time
import urllib.error
import urllib.request

import pytest

from tests.deploy.proxy_fixtures import start_proxy, wait_until


@pytest.fixture
def proxy(tmp_path):
    yield from start_proxy(
        tmp_path, CASA_MAX_BODY="1m", CASA_CONNECTIONS_PER_CLIENT="2", CASA_WORKERS="1"
    )


def get(url: str, headers: dict | None = None):
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=20) as answer:
            return answer.status, dict(answer.headers), answer.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


def test_a_forged_forwarded_for_is_replaced_by_the_connections_address(proxy):
    get(f"{proxy.url}/echo", {"X-Forwarded-For": "6.6.6.6, 7.7.7.7"})

    (seen,) = proxy.upstream.seen
    assert seen["headers"]["X-Forwarded-For"] == "127.0.0.1"


def test_a_slow_upload_reaches_the_application_only_once_complete(proxy):
    body = b"a" * 200_000
    with socket.create_connection(("127.0.0.1", proxy.port)) as phone:
        phone.sendall(
            b"POST /upload HTTP/1.1\r\nHost: casa\r\nContent-Type: application/octet-stream\r\n"
            + f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n".encode()
            + body[:100_000]
        )
        # nginx holds the first half; the application has not been asked anything yet.
        time.sleep(0.5)
        assert proxy.upstream.seen == []
        phone.sendall(body[100_000:])
        answer = phone.makefile("rb").readline()

    assert answer.startswith(b"HTTP/1.1 200")
    (seen,) = proxy.upstream.seen
    assert seen["body"] == len(body)


def test_a_body_over_the_limit_is_refused_by_the_proxy_in_both_languages(proxy):
    # Refused from the announced length, before the body is read.
    with socket.create_connection(("127.0.0.1", proxy.port)) as client:
        client.sendall(
            b"POST /report/ HTTP/1.1\r\nHost: casa\r\nContent-Length: 1200000\r\n"
            b"Connection: close\r\n\r\n"
        )
        answer = http.client.HTTPResponse(client)
        answer.begin()
        page = answer.read().decode()

    assert answer.status == 413
    assert "Envoi trop volumineux" in page and "الإرسال كبير جدًّا" in page
    assert proxy.upstream.seen == []


def test_past_its_connections_a_client_is_told_to_retry_later(proxy):
    held = [threading.Thread(target=get, args=(f"{proxy.url}/hold",)) for _ in range(2)]
    for thread in held:
        thread.start()
    wait_until(lambda: proxy.upstream.in_flight == 2, "two requests held by the application")

    status, headers, page = get(f"{proxy.url}/echo")

    proxy.upstream.release.set()
    for thread in held:
        thread.join(20)
    assert status == 503
    assert headers["Retry-After"] == "30"
    assert "Service momentanément saturé" in page.decode()
    assert [seen["path"] for seen in proxy.upstream.seen] == ["/hold", "/hold"]


def test_answers_are_compressed_for_clients_that_accept_it(proxy):
    status, headers, body = get(f"{proxy.url}/echo", {"Accept-Encoding": "gzip"})

    assert status == 200
    assert headers["Content-Encoding"] == "gzip"
    assert b'"pad"' in gzip.decompress(body)


def test_static_files_are_nginxs_and_only_hashed_names_are_immutable(proxy):
    hashed = get(f"{proxy.url}/static/css/site.0123456789ab.css")
    plain = get(f"{proxy.url}/static/css/site.css")

    assert hashed[0] == plain[0] == 200
    assert hashed[1]["Cache-Control"] == "public, max-age=31536000, immutable"
    assert plain[1]["Cache-Control"] == "public, max-age=3600"
    assert proxy.upstream.seen == []


def test_a_citizens_file_is_sent_by_nginx_after_the_application_allowed_it(proxy):
    status, headers, body = get(f"{proxy.url}/accel/photo")
    direct = get(f"{proxy.url}/_protected_media/photos/note.txt")

    assert (status, body) == (200, b"the file's bytes")
    assert headers["Cache-Control"] == "private, no-store"
    assert headers["X-Content-Type-Options"] == "nosniff"
    # The internal location is not an address clients can use.
    assert direct[0] == 404
    assert [seen["path"] for seen in proxy.upstream.seen] == ["/accel/photo"]
