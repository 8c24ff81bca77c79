"""A real webhook receiver for tests: the example in examples/webhook_receiver (Standard
Webhooks reference library + SQLite), served on a port of the api lane's range in a thread.
`down()` stops listening (connections are refused), `up()` listens again on the same port."""

import socket
import threading

from examples.webhook_receiver.receiver import Store, make_app, serve

PORTS = range(9600, 9700)
_given: set[int] = set()  # ports handed out in this process (a receiver may be down for now)


def free_port() -> int:
    for port in PORTS:
        if port in _given:
            continue
        with socket.socket() as s:
            try:
                s.bind(("127.0.0.1", port))
            except OSError:
                continue
            _given.add(port)
            return port
    raise RuntimeError("no free port in 9600-9699")


class Receiver:
    def __init__(self, secret: str, db_path: str, *, port: int | None = None):
        self.store = Store(db_path)
        self.secret = secret
        self.port = port or free_port()
        self.server = None
        self.requests = 0
        self.delay = 0.0  # seconds to wait before answering (a slow receiver)
        self.arrived = threading.Event()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/hooks/portal"

    def _app(self):
        inner = make_app(self.secret, self.store)

        def app(environ, start_response):
            self.requests += 1
            self.arrived.set()
            if self.delay:
                threading.Event().wait(self.delay)
            return inner(environ, start_response)

        return app

    def up(self):
        self.server = serve(self._app(), self.port)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def down(self):
        if self.server is not None:
            self.server.shutdown()
            self.server.server_close()
            self.server = None

    def set_secret(self, secret: str):
        self.secret = secret
        if self.server is not None:
            self.server.set_app(self._app())

    def events(self):
        return self.store.events()
