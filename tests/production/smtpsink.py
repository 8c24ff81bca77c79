"""A real SMTP server for the production lane (aiosmtpd): every message it accepts is one
file in <folder>/mail/, with its envelope recipients in an `X-Sink-Rcpt` header.

To catch a sender in the middle of a delivery, the lane creates <folder>/hold-<address>:
the next RCPT TO for that address is held for HOLD_SECONDS before it is answered (once),
and <folder>/holding says which client connection is waiting (its peer address), so
that the lane can kill the process that holds it. A message is stored only after the
client has sent all of it: a client killed while held has delivered nothing.

    python tests/production/smtpsink.py --port 9425 --folder /tmp/sink
"""

from __future__ import annotations

import argparse
import asyncio
import json
import signal
import time
from pathlib import Path

from aiosmtpd.controller import Controller

HOLD_SECONDS = 30


class Sink:
    def __init__(self, folder: Path):
        self.folder = folder
        (folder / "mail").mkdir(parents=True, exist_ok=True)
        self.count = 0

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        hold = self.folder / f"hold-{address}"
        if hold.exists():
            hold.unlink()
            (self.folder / "holding").write_text(json.dumps({"address": address, "peer": list(session.peer)}))
            await asyncio.sleep(HOLD_SECONDS)
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.count += 1
        headers = "".join(f"X-Sink-Rcpt: {rcpt}\r\n" for rcpt in envelope.rcpt_tos)
        name = self.folder / "mail" / f"{time.time_ns()}-{self.count}.eml"
        tmp = name.with_suffix(".tmp")
        tmp.write_bytes(headers.encode() + envelope.original_content)
        tmp.replace(name)
        return "250 Message accepted for delivery"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--folder", type=Path, required=True)
    args = parser.parse_args()
    controller = Controller(Sink(args.folder), hostname="127.0.0.1", port=args.port)
    controller.start()
    (args.folder / "ready").write_text(str(args.port))
    stop = asyncio.Event()
    loop = asyncio.new_event_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    loop.run_until_complete(stop.wait())
    controller.stop()


if __name__ == "__main__":
    main()
