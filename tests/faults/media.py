"""Uploads to a full or read-only media folder (run by tests/faults/run.py in the clone).

Mounts a tiny tmpfs as the private media folder (thread attachments), fills it or makes it
read-only, then posts a question with an attachment as a partner user through the test
client. Expects a clear error for the upload (not a server error), no new message or
attachment rows and no half-written file. Prints one JSON line.
"""

import contextlib
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
from devtools.servers import use_embedded_servers

mode = sys.argv[1]
mount = Path(tempfile.mkdtemp(prefix="prm-media-"))
subprocess.run(["mount", "-t", "tmpfs", "-o", "size=256k", "tmpfs", str(mount)], check=True)
try:
    if mode == "full":
        with contextlib.suppress(OSError), open(mount / "filler", "wb") as fh:
            fh.write(b"x" * 1024 * 1024)  # stops at "No space left on device"
    else:
        subprocess.run(["mount", "-o", "remount,ro", str(mount)], check=True)
    os.environ["PRM_PRIVATE_MEDIA_ROOT"] = str(mount)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "prm.settings")
    use_embedded_servers()
    import django

    django.setup()
    from django.conf import settings
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.test import Client
    from django.urls import reverse

    from prm.models import User
    from threads.models import Attachment, Message, Thread

    settings.PRM_PRIVATE_MEDIA_ROOT = str(mount)
    settings.ALLOWED_HOSTS = ["testserver", *settings.ALLOWED_HOSTS]
    user = User.objects.get(email="partner@example.com")
    from prm.tenancy import active_membership

    partner = active_membership(user).partner
    thread = Thread.objects.filter(partner=partner).exclude(status="closed").first()
    before = (Message.objects.count(), Attachment.objects.count())
    files_before = {p.name for p in mount.rglob("*") if p.is_file()}
    client = Client(raise_request_exception=False)
    client.force_login(user)
    upload = SimpleUploadedFile("report.pdf", b"%PDF-1.4\n" + b"0" * 300_000, content_type="application/pdf")
    response = client.post(
        reverse("threads:detail", args=[thread.pk]),
        {"body": "Here is the report.", "attachments": upload},
        follow=True,
    )
    after = (Message.objects.count(), Attachment.objects.count())
    files_after = {p.name for p in mount.rglob("*") if p.is_file()}
    page = response.content.decode(errors="replace")
    clear = response.status_code in (200, 400, 507) and (
        "could not be stored" in page or "保存できません" in page
    )
    new_files = sorted(files_after - files_before)
    print(
        json.dumps(
            {
                "observed": f"HTTP {response.status_code}, clear message: {clear}, new files: {new_files}",
                "rows": f"{after[0] - before[0]} Message, {after[1] - before[1]} Attachment",
                "ok": clear and after == before and not new_files,
            }
        )
    )
finally:
    subprocess.run(["umount", "-l", str(mount)], check=False)
    mount.rmdir()
