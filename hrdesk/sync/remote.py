"""From a remote address (and its options) to a transport.

- ``folder:///media/usb/hrdesk`` (or a plain path): a folder.
- ``webdav://host/remote.php/dav/files/me/hrdesk`` (plain HTTP, for a local
  network) or ``webdavs://…`` (HTTPS): WebDAV, with ``username``/``password``.
- ``s3://bucket/prefix``: S3-compatible storage, with ``endpoint`` (e.g.
  ``https://minio.example.org``), ``region``, ``access_key``, ``secret_key``.

Options hold credentials: they are stored only inside the encrypted vault and
``describe`` never shows them.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import unquote, urlsplit, urlunsplit

from hrdesk.i18n import _
from hrdesk.sync.transport import FolderTransport, Transport, TransportError

SECRET_OPTIONS = ("password", "secret_key", "session_token")


def parse(address: str, options: dict[str, str]) -> tuple[str, dict[str, str]]:
    """The address to store (credentials moved out of it) and the options; raises
    TransportError when it cannot be used."""
    parts = urlsplit(address)
    scheme = parts.scheme.lower()
    options = {key: value for key, value in options.items() if value not in (None, "")}
    if scheme in ("", "file") or (len(scheme) == 1 and address[1:3] in (":\\", ":/")):
        path = Path(address).expanduser().resolve()
        return "folder://" + path.as_posix(), options
    if scheme == "folder":
        if not parts.path:
            raise TransportError(_("A folder address needs a path: folder:///path/to/folder"))
        return f"folder://{unquote(parts.path)}", options
    if scheme in ("webdav", "webdavs"):
        if not parts.hostname:
            raise TransportError(_("A WebDAV address needs a server: webdavs://host/path"))
        if parts.username:
            options.setdefault("username", unquote(parts.username))
        if parts.password:
            options.setdefault("password", unquote(parts.password))
        netloc = parts.hostname + (f":{parts.port}" if parts.port else "")
        return urlunsplit((scheme, netloc, parts.path, "", "")), options
    if scheme == "s3":
        if not parts.hostname:
            raise TransportError(_("An S3 address needs a bucket: s3://bucket/prefix"))
        missing = [key for key in ("endpoint", "access_key", "secret_key") if key not in options]
        if missing:
            raise TransportError(
                _("S3 storage also needs: {options}").format(options=", ".join(missing))
            )
        return f"s3://{parts.hostname}{parts.path}", options
    raise TransportError(
        _("Unknown kind of shared place {scheme}: use folder, webdav, webdavs or s3.").format(
            scheme=scheme
        )
    )


def open_transport(address: str, options: dict[str, str]) -> Transport:
    parts = urlsplit(address)
    if parts.scheme == "folder":
        return FolderTransport(Path(unquote(parts.path)))
    if parts.scheme in ("webdav", "webdavs"):
        from hrdesk.sync.webdav import WebDavTransport

        http = "https" if parts.scheme == "webdavs" else "http"
        return WebDavTransport(
            urlunsplit((http, parts.netloc, parts.path, "", "")),
            username=options.get("username"),
            password=options.get("password"),
        )
    if parts.scheme == "s3":
        from hrdesk.sync.s3 import S3Transport

        return S3Transport(
            parts.hostname,
            prefix=parts.path.strip("/"),
            endpoint_url=options["endpoint"],
            region=options.get("region", "us-east-1"),
            access_key=options["access_key"],
            secret_key=options["secret_key"],
            session_token=options.get("session_token"),
        )
    raise TransportError(_("Sync is not set up for this vault."))


def describe(address: str | None, options: dict[str, str]) -> dict[str, str]:
    """What may be shown: the address and the option names, never secret values."""
    shown = {key: ("••••" if key in SECRET_OPTIONS else value) for key, value in options.items()}
    return {"remote": address or "", **shown}
