"""One kept-alive HTTP(S) connection to a sync server, shared by a transport's calls.

Both HTTP transports (WebDAV, S3) send many small requests in a row; opening a
connection (and a TLS handshake) for each would cost more than the requests. The
connection is reopened once when the server closed it while idle, and every
network failure becomes a TransportError whose message names the server (never a
credential).
"""

from __future__ import annotations

import http.client
import ssl
import threading
import xml.etree.ElementTree as ET
from urllib.parse import SplitResult

from hrdesk.i18n import _
from hrdesk.sync.transport import TransportError

_DROPPED = (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError)


class KeptAlive:
    def __init__(self, parts: SplitResult, timeout: float, verify_tls: bool) -> None:
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise TransportError(
                _("A sync server address must start with https:// and name a server.")
            )
        # What messages show and what the connection uses: never the user info of the URL.
        self.host = parts.netloc.rpartition("@")[2]
        self._timeout = timeout
        self._tls: ssl.SSLContext | None = None
        if parts.scheme == "https":
            self._tls = ssl.create_default_context()
            if not verify_tls:
                self._tls.check_hostname = False
                self._tls.verify_mode = ssl.CERT_NONE
        self._conn: http.client.HTTPConnection | None = None
        self._lock = threading.Lock()

    def send(
        self, method: str, target: str, body: bytes | None, headers: dict[str, str]
    ) -> tuple[int, bytes]:
        """One request; the status and the whole answer."""
        with self._lock:
            retry = self._conn is not None
            while True:
                if self._conn is None:
                    self._conn = self.connect()
                try:
                    self._conn.request(method, target, body=body, headers=headers)
                    response = self._conn.getresponse()
                    return response.status, response.read()
                except _DROPPED as exc:
                    self._drop()
                    if not retry:
                        raise self.unreachable(exc) from exc
                    retry = False  # closed while idle: once more, on a new connection
                except (OSError, http.client.HTTPException) as exc:
                    self._drop()
                    raise self.unreachable(exc) from exc

    def connect(self) -> http.client.HTTPConnection:
        if self._tls is None:
            return http.client.HTTPConnection(self.host, timeout=self._timeout)
        return http.client.HTTPSConnection(self.host, timeout=self._timeout, context=self._tls)

    def close(self) -> None:
        with self._lock:
            self._drop()

    def _drop(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None

    def unreachable(self, exc: Exception) -> TransportError:
        if isinstance(exc, TimeoutError):
            message = _("The sync server {host} did not answer in time.")
        elif isinstance(exc, ssl.SSLCertVerificationError):
            message = _("The sync server {host} has a certificate this computer does not trust.")
        else:
            message = _("Cannot reach the sync server {host}. Check the address and the network.")
        return TransportError(message.format(host=self.host))


def parse_listing(body: bytes, host: str) -> ET.Element:
    """A server's XML answer to a listing, or a clear error if it cannot be read."""
    try:
        return ET.fromstring(body)
    except ET.ParseError as exc:
        raise TransportError(
            _("The sync server {host} sent a folder listing that cannot be read.").format(host=host)
        ) from exc


def status_error(host: str, status: int) -> TransportError:
    """What any sync server's unexpected status means (each transport words 401/403/404
    for what it calls credentials and folders)."""
    if status == 507:
        message = _("The sync server {host} has no space left.")
    elif status >= 500:
        message = _("The sync server {host} has a problem (HTTP {status}). Try again later.")
    else:
        message = _("The sync server {host} gave an unexpected answer (HTTP {status}).")
    return TransportError(message.format(host=host, status=status))
