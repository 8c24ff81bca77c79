"""A small webhook receiver for the Partner Portal: it checks every request with the
Standard Webhooks reference library and keeps a copy of each object in a SQLite file.

    pip install standardwebhooks
    PORTAL_WEBHOOK_SECRET=whsec_... python receiver.py --port 8081 --db portal.sqlite3

What a real receiver needs, in about a hundred lines:
- verify the signature, the timestamp (5 minutes) and the id before trusting anything
  (401 otherwise);
- answer 2xx quickly; the portal retries anything else for more than 24 hours;
- events can arrive twice (a retry after a lost answer): `webhook-id` is the key, so a
  repeat changes nothing;
- one object's events arrive in order, so the latest event's `data.object` is the object's
  current state: upsert it.
Standard library only, apart from standardwebhooks (MIT).
"""

import argparse
import json
import os
import sqlite3
import threading
from wsgiref.simple_server import WSGIRequestHandler, make_server

from standardwebhooks.webhooks import Webhook, WebhookVerificationError

SCHEMA = """
CREATE TABLE IF NOT EXISTS events (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    webhook_id TEXT UNIQUE NOT NULL,
    type TEXT NOT NULL,
    object_type TEXT NOT NULL,
    object_id TEXT NOT NULL,
    partner_id INTEGER,
    occurred_at TEXT NOT NULL,
    received_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);
CREATE TABLE IF NOT EXISTS objects (
    object_type TEXT NOT NULL,
    object_id TEXT NOT NULL,
    partner_id INTEGER,
    last_event TEXT NOT NULL,
    data TEXT,
    PRIMARY KEY (object_type, object_id)
);
"""


class Store:
    """The SQLite copy: one connection, one writer at a time."""

    def __init__(self, path: str):
        self.db = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
        self.db.executescript(SCHEMA)
        self.lock = threading.Lock()

    def apply(self, webhook_id: str, event: dict) -> bool:
        """Record the event and upsert its object; False when the event was seen before."""
        data = event["data"]
        with self.lock:
            self.db.execute("BEGIN")
            try:
                cursor = self.db.execute(
                    "INSERT OR IGNORE INTO events (webhook_id, type, object_type, object_id, partner_id, occurred_at)"
                    " VALUES (?, ?, ?, ?, ?, ?)",
                    (
                        webhook_id,
                        event["type"],
                        data["object_type"],
                        str(data["id"]),
                        data.get("partner_id"),
                        event["timestamp"],
                    ),
                )
                if cursor.rowcount == 0:
                    self.db.execute("ROLLBACK")
                    return False
                self.db.execute(
                    "INSERT INTO objects (object_type, object_id, partner_id, last_event, data) VALUES (?, ?, ?, ?, ?)"
                    " ON CONFLICT (object_type, object_id) DO UPDATE SET"
                    " partner_id = excluded.partner_id, last_event = excluded.last_event, data = excluded.data",
                    (
                        data["object_type"],
                        str(data["id"]),
                        data.get("partner_id"),
                        event["type"],
                        json.dumps(data.get("object"), ensure_ascii=False),
                    ),
                )
                self.db.execute("COMMIT")
            except Exception:
                self.db.execute("ROLLBACK")
                raise
        return True

    def events(self) -> list[tuple]:
        with self.lock:
            return self.db.execute(
                "SELECT webhook_id, type, object_type, object_id, partner_id FROM events ORDER BY seq"
            ).fetchall()

    def object(self, object_type: str, object_id) -> dict | None:
        with self.lock:
            row = self.db.execute(
                "SELECT data FROM objects WHERE object_type = ? AND object_id = ?",
                (object_type, str(object_id)),
            ).fetchone()
        return json.loads(row[0]) if row and row[0] else None


def make_app(secret: str, store: Store):
    """A WSGI application: POST anything to it."""
    webhook = Webhook(secret)

    def app(environ, start_response):
        if environ["REQUEST_METHOD"] != "POST":
            start_response("405 Method Not Allowed", [("Allow", "POST")])
            return [b""]
        length = int(environ.get("CONTENT_LENGTH") or 0)
        body = environ["wsgi.input"].read(length)
        headers = {
            key[5:].replace("_", "-").lower(): value
            for key, value in environ.items()
            if key.startswith("HTTP_")
        }
        try:
            event = webhook.verify(body, headers)
        except WebhookVerificationError:
            start_response("401 Unauthorized", [("Content-Type", "text/plain")])
            return [b"bad signature"]
        store.apply(headers["webhook-id"], event)
        start_response("204 No Content", [])
        return [b""]

    return app


class QuietHandler(WSGIRequestHandler):
    def log_message(self, *args):  # one line per request is noise here
        pass


def serve(app, port: int, host: str = "127.0.0.1"):
    """A server on `port` (0: any free port); serve_forever() in a thread to run it."""
    return make_server(host, port, app, handler_class=QuietHandler)


def main():
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--port", type=int, default=8081)
    parser.add_argument("--db", default="portal.sqlite3")
    args = parser.parse_args()
    secret = os.environ["PORTAL_WEBHOOK_SECRET"]
    server = serve(make_app(secret, Store(args.db)), args.port)
    print(f"listening on http://127.0.0.1:{args.port}/ , writing {args.db}", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
