"""Load shedding (casa_map/overload.py) on a real listening socket: connections the kernel has
accepted and no worker has taken are counted, and above OVERLOAD_QUEUE_LENGTH requests (never the
probes) are answered 503 at once in proportion to the excess, in the visitor's language, storing
nothing."""

from __future__ import annotations

import socket

import pytest

from casa_map import overload
from issues.models import Complaint
from tests.issues.test_public_api import filing

pytestmark = pytest.mark.skipif(
    not hasattr(socket, "TCP_INFO"), reason="the accept queue is read through Linux's TCP_INFO"
)


class Listener:
    """A listening socket, as gunicorn's, and clients whose connections no worker takes."""

    def __init__(self):
        self.socket = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.socket.bind(("127.0.0.1", 0))
        self.socket.listen(16)
        self.clients: list[socket.socket] = []

    def queue(self, count: int) -> None:
        for _ in range(count):
            self.clients.append(socket.create_connection(self.socket.getsockname()))

    def close(self) -> None:
        for client in self.clients:
            client.close()
        self.socket.close()


@pytest.fixture
def listener():
    opened = Listener()
    try:
        yield opened
    finally:
        overload.watch([])
        opened.close()


def test_counts_the_connections_no_worker_has_taken(listener):
    assert overload.queued_connections(listener.socket) == 0
    listener.queue(3)
    assert overload.queued_connections(listener.socket) == 3
    taken, _address = listener.socket.accept()
    taken.close()
    assert overload.queued_connections(listener.socket) == 2


def test_nothing_is_shed_up_to_the_limit(client, listener, settings, casablanca):
    settings.OVERLOAD_QUEUE_LENGTH = 2
    overload.watch([listener.socket])
    listener.queue(2)
    assert client.get("/api/v1/categories/").status_code == 200


def test_a_shed_report_is_answered_503_and_stores_nothing(
    client, listener, settings, casablanca, point_in
):
    settings.OVERLOAD_QUEUE_LENGTH = 0  # with anyone waiting, every request is shed
    overload.watch([listener.socket])
    listener.queue(1)

    answer = client.post("/api/v1/complaints/", filing(point_in("anfa")))

    assert answer.status_code == 503
    assert answer.json()["code"] == "overloaded"
    assert answer["Retry-After"] == str(settings.OVERLOAD_RETRY_AFTER)
    assert not Complaint.objects.exists()


def test_a_page_says_so_in_the_visitors_language(client, listener, settings):
    settings.OVERLOAD_QUEUE_LENGTH = 0
    overload.watch([listener.socket])
    listener.queue(1)

    answer = client.get("/report/", HTTP_ACCEPT_LANGUAGE="ar")

    assert answer.status_code == 503
    assert 'lang="ar"' in answer.content.decode()
    assert 'data-testid="outage"' in answer.content.decode()
    assert "يستخدم الخدمة عدد كبير من الناس الآن" in answer.content.decode()


def test_probes_are_never_shed(client, listener, settings):
    settings.OVERLOAD_QUEUE_LENGTH = 0
    overload.watch([listener.socket])
    listener.queue(1)
    assert client.get("/livez").status_code == 200


def test_sockets_without_an_accept_queue_are_ignored(tmp_path):
    unix = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    unix.bind(str(tmp_path / "web.sock"))
    unix.listen(4)
    try:
        overload.watch([unix])
        assert not overload.should_shed(draw=lambda: 0.999)
    finally:
        overload.watch([])
        unix.close()


def test_above_the_limit_requests_are_let_in_in_proportion(listener, settings):
    settings.OVERLOAD_QUEUE_LENGTH = 2
    overload.watch([listener.socket])
    listener.queue(2)
    assert not overload.should_shed(draw=lambda: 0.999)
    listener.queue(2)  # 4 waiting: half of the requests are let in
    assert not overload.should_shed(draw=lambda: 0.49)
    assert overload.should_shed(draw=lambda: 0.5)
