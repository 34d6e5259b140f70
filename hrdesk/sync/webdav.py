"""WebDAV transport: sync files in a folder on Nextcloud, ownCloud or any WebDAV share.

Only the standard library speaks to the server (``http.client``, ``xml.etree``), so an
optional feature adds no runtime dependency. The three operations are plain WebDAV:

* list: ``PROPFIND`` with ``Depth: 1``, walking down one collection at a time, because
  many servers (Nextcloud among them) refuse ``Depth: infinity``. Hrefs are
  percent-decoded and made relative to the base folder; anything that is not a sync
  name (dot files, lock files, ``.part`` uploads in progress) is skipped.
* get: ``GET``.
* put_if_absent: ``PUT`` with ``If-None-Match: *``: the server itself refuses to replace
  an existing file (``412``), so two writers cannot both win (as far as the server makes
  its check and its write one step). Parent collections are made with ``MKCOL`` only
  when the ``PUT`` reports them missing, so the usual write is a single request.

One keep-alive connection per transport, used under a lock (a connection carries one
request at a time). A connection the server closed while idle is reopened once, without
fuss; a ``PUT`` repeated that way may answer "exists" for the file its first try wrote,
which push already handles by reading the file back.

The user name and password only ever go into the ``Authorization`` header: error
messages name the server and the file, never the account.
"""

from __future__ import annotations

import base64
from urllib.parse import quote, unquote, urlsplit

from hrdesk.i18n import _
from hrdesk.sync.http import KeptAlive, parse_listing, status_error
from hrdesk.sync.transport import TransportError, check_name

_PROPFIND = (
    b'<?xml version="1.0" encoding="utf-8"?>'
    b'<d:propfind xmlns:d="DAV:"><d:prop><d:resourcetype/></d:prop></d:propfind>'
)
# What a request on a connection the server closed while it sat idle runs into.


def _is_sync_name(name: str) -> bool:
    """False for what other programs leave beside sync files (temp files, locks)."""
    if name.endswith(".part"):
        return False
    try:
        check_name(name)
    except TransportError:
        return False
    return True


class WebDavTransport:
    """A folder on a WebDAV server, given by its full URL (the folder must exist)."""

    def __init__(
        self,
        base_url: str,
        username: str | None = None,
        password: str | None = None,
        timeout: float = 30,
        verify_tls: bool = True,
    ) -> None:
        parts = urlsplit(base_url)
        self._http = KeptAlive(parts, timeout, verify_tls)
        self.host = self._http.host
        self._base = unquote(parts.path).rstrip("/") + "/"
        if username is None and parts.username:
            username, password = unquote(parts.username), unquote(parts.password or "")
        self._headers = {"User-Agent": "hrdesk"}
        if username:
            token = base64.b64encode(f"{username}:{password or ''}".encode()).decode("ascii")
            self._headers["Authorization"] = f"Basic {token}"

    def list(self, prefix: str) -> list[str]:
        start = check_name(prefix) + "/" if prefix else ""
        found: list[str] = []
        pending = [start]
        while pending:
            folder = pending.pop()
            status, body = self._request(
                "PROPFIND", folder, _PROPFIND, {"Depth": "1", "Content-Type": "application/xml"}
            )
            if status == 404 and folder == start:
                if not prefix:
                    raise self._missing_base()
                self._check_base()
                return []
            if status == 404:
                continue  # gone between two requests
            if status != 207:
                raise self._status_error(status)
            for name, is_collection in self._entries(body):
                if not name.startswith(folder) or name == folder or not _is_sync_name(name):
                    continue  # the folder itself, or what sync never writes
                if is_collection:
                    pending.append(name + "/")
                else:
                    found.append(name)
        return sorted(found)

    def get(self, name: str) -> bytes:
        status, body = self._request("GET", check_name(name))
        if status == 200:
            return body
        if status == 404:
            raise TransportError(_("Cannot read {name} from the sync server.").format(name=name))
        raise self._status_error(status)

    def put_if_absent(self, name: str, data: bytes) -> bool:
        headers = {"If-None-Match": "*", "Content-Type": "application/octet-stream"}
        status = self._request("PUT", check_name(name), data, headers)[0]
        if status in (404, 409):  # a parent collection is missing
            self._make_parents(name)
            status = self._request("PUT", name, data, headers)[0]
        if status in (200, 201, 204):
            return True
        if status == 412:
            return False
        raise self._status_error(status)

    def delete(self, name: str) -> None:
        """Remove a file (only evidence files are ever removed); a missing one is fine."""
        status = self._request("DELETE", check_name(name))[0]
        if status not in (200, 204, 404):
            raise self._status_error(status)

    def close(self) -> None:
        self._http.close()

    def _make_parents(self, name: str) -> None:
        parts = name.split("/")[:-1]
        for depth in range(1, len(parts) + 1):
            status = self._request("MKCOL", "/".join(parts[:depth]) + "/")[0]
            if status == 409:  # its own parent is missing: the base folder is
                raise self._missing_base()
            if status not in (201, 405) and not self._exists("/".join(parts[:depth]) + "/"):
                # 405: it exists already. Another device making the same folder at the
                # same moment can make a server answer otherwise (wsgidav: 500); what
                # matters is that the folder is there now.
                raise self._status_error(status)

    def _exists(self, collection: str) -> bool:
        return self._request("PROPFIND", collection, _PROPFIND, {"Depth": "0"})[0] == 207

    def _check_base(self) -> None:
        status = self._request("PROPFIND", "", _PROPFIND, {"Depth": "0"})[0]
        if status == 404:
            raise self._missing_base()
        if status != 207:
            raise self._status_error(status)

    def _entries(self, body: bytes) -> list[tuple[str, bool]]:
        """(name relative to the base, is a collection) for each response of a multistatus."""
        root = parse_listing(body, self.host)
        entries = []
        for response in root.iter("{DAV:}response"):
            path = unquote(urlsplit(response.findtext("{DAV:}href", "")).path)
            if not path.startswith(self._base):
                continue
            is_collection = response.find(".//{DAV:}resourcetype/{DAV:}collection") is not None
            entries.append((path[len(self._base) :].rstrip("/"), is_collection))
        return entries

    def _request(
        self,
        method: str,
        name: str,
        body: bytes | None = None,
        headers: dict[str, str] | None = None,
    ) -> tuple[int, bytes]:
        """Send one request for ``name`` (relative to the base) and read the whole answer."""
        target = quote(self._base + name)
        return self._http.send(method, target, body, {**self._headers, **(headers or {})})

    def _missing_base(self) -> TransportError:
        return TransportError(
            _("The sync folder {path} does not exist on {host}.").format(
                path=self._base, host=self.host
            )
        )

    def _status_error(self, status: int) -> TransportError:
        if status == 401:
            message = _("The sync server {host} did not accept the user name and password.")
        elif status == 403:
            message = _("The sync server {host} does not allow this account to use the folder.")
        else:
            return status_error(self.host, status)
        return TransportError(message.format(host=self.host))
