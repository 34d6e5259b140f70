"""S3 transport: sync files in a bucket of S3-compatible storage (MinIO, Ceph, Garage, AWS).

Requests are signed with AWS Signature Version 4, written here with ``hashlib`` and
``hmac`` rather than by boto3, which weighs about 100 MB installed in an app that must
ship small. Addresses are path-style (``endpoint/bucket/key``), which every
S3-compatible server accepts without DNS set up for each bucket.

* list: ListObjectsV2, page after page with continuation tokens, scoped to the prefix.
* get: GetObject.
* put_if_absent: PutObject with ``If-None-Match: *``: the server refuses to replace an
  existing key (``412``). AWS answers ``409`` when another write of the same key is in
  flight; the key is then looked up: if it is there the other writer won, if not the
  write is tried again. Storage that ignores the header would let a second writer
  replace a file, so it is unfit for sync (AWS S3 and MinIO honour it).

Keys are ``<prefix>/<name>``, so several vaults can share a bucket. One keep-alive
connection per transport, used under a lock and reopened once if the server closed it
while idle. The secret key only ever signs: error messages name the server, the bucket
and the file, never a key, and never echo the server's error text.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import time
import xml.etree.ElementTree as ET
from urllib.parse import quote, unquote_plus, urlsplit

from hrdesk.i18n import _
from hrdesk.sync.http import KeptAlive, parse_listing, status_error
from hrdesk.sync.transport import TransportError, check_name

_BUCKET = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{1,62}")
_BAD_KEY = {"InvalidAccessKeyId", "SignatureDoesNotMatch", "InvalidToken", "InvalidSecurity"}
_CONFLICT_TRIES = 4


def _uri_encode(text: str, safe: str = "") -> str:
    return quote(text, safe="-_.~" + safe)


def canonical_query(params: dict[str, str]) -> str:
    """The query string as SigV4 signs it; it is also sent exactly so."""
    return "&".join(f"{_uri_encode(k)}={_uri_encode(v)}" for k, v in sorted(params.items()))


def authorization(
    method: str,
    path: str,
    query: str,
    headers: dict[str, str],
    *,
    region: str,
    access_key: str,
    secret_key: str,
) -> str:
    """The SigV4 ``Authorization`` header for a request whose ``headers`` include Host,
    x-amz-date and x-amz-content-sha256; every header given is signed."""
    values = {name.lower(): " ".join(str(value).split()) for name, value in headers.items()}
    signed = ";".join(sorted(values))
    canonical = "\n".join(
        [
            method,
            _uri_encode(path, safe="/"),
            query,
            "".join(f"{name}:{values[name]}\n" for name in sorted(values)),
            signed,
            values["x-amz-content-sha256"],
        ]
    )
    stamp = values["x-amz-date"]
    scope = f"{stamp[:8]}/{region}/s3/aws4_request"
    to_sign = "\n".join(
        ["AWS4-HMAC-SHA256", stamp, scope, hashlib.sha256(canonical.encode()).hexdigest()]
    )
    key = f"AWS4{secret_key}".encode()
    for part in (stamp[:8], region, "s3", "aws4_request"):
        key = hmac.new(key, part.encode(), hashlib.sha256).digest()
    signature = hmac.new(key, to_sign.encode(), hashlib.sha256).hexdigest()
    return (
        f"AWS4-HMAC-SHA256 Credential={access_key}/{scope}, "
        f"SignedHeaders={signed}, Signature={signature}"
    )


def _is_sync_name(name: str) -> bool:
    try:
        check_name(name)
    except TransportError:
        return False  # a folder marker ("x/") or a file some other tool put there
    return True


def _children(element: ET.Element, tag: str) -> list[ET.Element]:
    """Direct children named ``tag`` in any namespace (servers differ on it)."""
    return [child for child in element if child.tag.rpartition("}")[2] == tag]


def _text(element: ET.Element, tag: str) -> str:
    found = _children(element, tag)
    return (found[0].text or "") if found else ""


def _error_code(body: bytes) -> str:
    try:
        return _text(ET.fromstring(body), "Code")
    except ET.ParseError:
        return ""


class S3Transport:
    """Files under ``prefix`` in ``bucket``; the bucket must exist."""

    def __init__(
        self,
        bucket: str,
        prefix: str = "",
        *,
        endpoint_url: str,
        region: str = "us-east-1",
        access_key: str,
        secret_key: str,
        session_token: str | None = None,
        timeout: float = 30,
        verify_tls: bool = True,
    ) -> None:
        parts = urlsplit(endpoint_url)
        self._http = KeptAlive(parts, timeout, verify_tls)
        if not _BUCKET.fullmatch(bucket):
            raise TransportError(_("Not a valid bucket name: {bucket}").format(bucket=bucket))
        self.host = self._http.host
        self.bucket = bucket
        self.prefix = check_name(prefix.strip("/")) if prefix.strip("/") else ""
        self._root = f"{parts.path.rstrip('/')}/{bucket}"
        self._keys = f"{self.prefix}/" if self.prefix else ""
        self._region = region
        self._access_key = access_key
        self._secret_key = secret_key
        self._session_token = session_token

    def list(self, prefix: str) -> list[str]:
        scope = self._keys + (check_name(prefix) + "/" if prefix else "")
        params = {
            "list-type": "2",
            "prefix": scope,
            "max-keys": "1000",  # the most S3 gives in one answer
            "encoding-type": "url",
        }
        found: list[str] = []
        while True:
            status, body = self._request("GET", "", params)
            if status != 200:
                raise self._error(status, body)
            page = parse_listing(body, self.host)
            for entry in _children(page, "Contents"):
                key = unquote_plus(_text(entry, "Key"))
                name = key[len(self._keys) :]
                if key.startswith(scope) and _is_sync_name(name):
                    found.append(name)
            token = _text(page, "NextContinuationToken")
            if _text(page, "IsTruncated") != "true" or not token:
                return sorted(found)
            params["continuation-token"] = token  # opaque, never URL-encoded

    def get(self, name: str) -> bytes:
        status, body = self._request("GET", self._keys + check_name(name))
        if status == 200:
            return body
        raise self._error(status, body, name)

    def put_if_absent(self, name: str, data: bytes) -> bool:
        key = self._keys + check_name(name)
        headers = {"If-None-Match": "*", "Content-Type": "application/octet-stream"}
        for attempt in range(_CONFLICT_TRIES):
            status, body = self._request("PUT", key, body=data, headers=headers)
            if status == 200:
                return True
            if status == 412:
                return False
            if status != 409:
                raise self._error(status, body, name)
            # Another write of this key was in flight: if it landed, it won.
            status, body = self._request("HEAD", key)
            if status == 200:
                return False
            if status != 404:
                raise self._error(status, body, name)
            time.sleep(0.1 * 2**attempt)  # it failed: give it time to clear, then try again
        raise TransportError(
            _("The sync server {host} kept refusing to write {name}. Try again later.").format(
                host=self.host, name=name
            )
        )

    def delete(self, name: str) -> None:
        """Remove a file (only evidence files are ever removed); a missing one is fine."""
        status, body = self._request("DELETE", self._keys + check_name(name))
        if status not in (200, 204, 404):
            raise self._error(status, body, name)

    def close(self) -> None:
        self._http.close()

    def _request(
        self,
        method: str,
        key: str,
        params: dict[str, str] | None = None,
        body: bytes = b"",
        headers: dict[str, str] | None = None,
    ) -> tuple[int, bytes]:
        """Sign and send one request for ``key`` ("" = the bucket); read the whole answer."""
        path = f"{self._root}/{key}" if key else self._root
        query = canonical_query(params or {})
        headers = {
            "Host": self.host,
            **(headers or {}),
            "x-amz-date": time.strftime("%Y%m%dT%H%M%SZ", time.gmtime()),
            "x-amz-content-sha256": hashlib.sha256(body).hexdigest(),
        }
        if self._session_token:
            headers["x-amz-security-token"] = self._session_token
        headers["Authorization"] = authorization(
            method,
            path,
            query,
            headers,
            region=self._region,
            access_key=self._access_key,
            secret_key=self._secret_key,
        )
        target = _uri_encode(path, safe="/") + (f"?{query}" if query else "")
        return self._http.send(method, target, body or None, headers)

    def _error(self, status: int, body: bytes, name: str | None = None) -> TransportError:
        code = _error_code(body)
        if code in _BAD_KEY or status == 401:
            message = _("The sync server {host} did not accept the access key and secret key.")
        elif code in ("ExpiredToken", "TokenRefreshRequired"):
            message = _("The session token for the sync server {host} has expired.")
        elif code == "RequestTimeTooSkewed":
            message = _(
                "The sync server {host} refused the request because this computer's clock "
                "is wrong. Correct the date and time, then try again."
            )
        elif code == "NoSuchBucket":
            message = _("The bucket {bucket} does not exist on {host}.")
        elif status == 403:
            message = _(
                "The sync server {host} does not allow this key to use the bucket {bucket}."
            )
        elif status == 404 and name is not None:
            message = _("Cannot read {name} from the sync server.")
        else:
            return status_error(self.host, status)
        return TransportError(
            message.format(host=self.host, bucket=self.bucket, name=name, status=status)
        )
