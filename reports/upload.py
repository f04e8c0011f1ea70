"""Carries an uploaded report between the preview and the confirmation, safely.

The upload is kept in a private folder under the SHA-256 of its bytes; the page carries
only a signed token naming that hash, the file's name and the inspector who uploaded it, so a
confirmation can neither name another file nor be replayed by someone else or after an hour.
"""

from __future__ import annotations

import hashlib
import re
import time
from pathlib import Path

from django.conf import settings
from django.core import signing
from django.utils.translation import gettext

SALT = "reports.import-upload"
MAX_AGE = 60 * 60  # seconds an upload waits for its confirmation
# Under MEDIA_ROOT, so that a background worker sharing the web's storage volume finds the upload;
# never served (the site serves no MEDIA_URL).
FOLDER = Path(settings.MEDIA_ROOT) / "pending-uploads"


class UploadExpired(Exception):
    pass


def keep(data: bytes, name: str, user) -> str:
    """Stores ``data``; returns the token that finds it again."""
    digest = hashlib.sha256(data).hexdigest()
    FOLDER.mkdir(mode=0o700, parents=True, exist_ok=True)
    _forget_stale()
    path = FOLDER / f"{digest}.pdf"
    path.write_bytes(data)  # written again, so an upload waiting for its confirmation is never stale
    return signing.dumps({"sha256": digest, "name": name, "user": user.pk}, salt=SALT)


def fetch(token: str, user) -> tuple[bytes, str]:
    """The bytes and name of the upload ``token`` names, for ``user``; UploadExpired if the token is
    forged, another user's, too old, or its file is gone."""
    try:
        value = signing.loads(token, salt=SALT, max_age=MAX_AGE)
    except signing.BadSignature:
        raise UploadExpired(gettext("This upload has expired or is not yours: upload the report again.")) from None
    digest = str(value.get("sha256", ""))
    if value.get("user") != user.pk or not re.fullmatch(r"[0-9a-f]{64}", digest):
        raise UploadExpired(gettext("This upload has expired or is not yours: upload the report again."))
    try:
        data = (FOLDER / f"{digest}.pdf").read_bytes()
    except OSError:
        raise UploadExpired(gettext("This upload is no longer on the server: upload the report again.")) from None
    if hashlib.sha256(data).hexdigest() != digest:
        raise UploadExpired(gettext("This upload changed on the server: upload the report again."))
    return data, str(value.get("name", "report.pdf"))


def _forget_stale() -> None:
    """Removes uploads whose tokens have expired (never confirmed)."""
    limit = time.time() - MAX_AGE
    for path in FOLDER.glob("*.pdf"):
        try:
            if path.stat().st_mtime < limit:
                path.unlink()
        except OSError:
            pass


def discard(token: str) -> None:
    try:
        digest = signing.loads(token, salt=SALT)["sha256"]
    except (signing.BadSignature, KeyError, TypeError):
        return
    if re.fullmatch(r"[0-9a-f]{64}", str(digest)):
        (FOLDER / f"{digest}.pdf").unlink(missing_ok=True)
