"""Real servers on 127.0.0.1 for the sync tests: WebDAV (wsgidav on cheroot) and S3
(moto_server), each in a subprocess so that stopping it is a real outage."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

WEBDAV_USER = "alice"
WEBDAV_PASSWORD = "Pa55-wörd-never-shown"
BUCKET = "hrdesk-sync"
REGION = "us-east-1"

# wsgidav evaluates If-None-Match and then writes, as two steps: two PUTs racing for one
# name both won in 49 of 1000 tries. A create-only PUT is only as atomic as the server
# makes it, so this server takes its writes one at a time (the rest stays concurrent).
SERVER = """
import sys
import threading
from cheroot import wsgi
from wsgidav.wsgidav_app import WsgiDAVApp

root, port, user, password = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
dav = WsgiDAVApp({
    "provider_mapping": {"/": root},
    "simple_dc": {"user_mapping": {"*": {user: {"password": password}}}},
    "http_authenticator": {"accept_digest": False, "default_to_digest": False},
    "dir_browser": {"enable": False},
    "logging": {"enable": False},
    "verbose": 0,
})
writing = threading.Lock()

def app(environ, start_response):
    if environ["REQUEST_METHOD"] != "PUT":
        return dav(environ, start_response)
    with writing:
        return list(dav(environ, start_response))

wsgi.Server(("127.0.0.1", port), app, numthreads=8).start()
"""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_webdav(
    root: Path, port: int, user: str = WEBDAV_USER, password: str = WEBDAV_PASSWORD
) -> subprocess.Popen:
    process = subprocess.Popen(
        [sys.executable, "-c", SERVER, str(root), str(port), user, password],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    return _started(process, port, "the WebDAV server")


def stop(process: subprocess.Popen) -> None:
    process.kill()
    process.wait()


def start_moto(port: int, *options: str) -> subprocess.Popen:
    process = subprocess.Popen(
        [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port), *options],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    return _started(process, port, "moto_server")


def _started(process: subprocess.Popen, port: int, what: str) -> subprocess.Popen:
    """Wait until the server accepts connections (polling, up to 30 s)."""
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{what} exited at start")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return process
        except OSError:
            time.sleep(0.02)  # polling interval while the server starts
    process.kill()
    raise RuntimeError(f"{what} did not start")


def moto_set_up(endpoint: str) -> dict[str, str]:
    """A bucket and an IAM user allowed to use it; then every request must be signed."""
    admin = {
        "endpoint_url": endpoint,
        "region_name": REGION,
        "aws_access_key_id": "setup",
        "aws_secret_access_key": "setup",
    }
    import boto3  # only the test server's own client library; hrdesk does not use it

    boto3.client("s3", **admin).create_bucket(Bucket=BUCKET)
    iam = boto3.client("iam", **admin)
    iam.create_user(UserName="device")
    policy = {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}],
    }
    iam.put_user_policy(UserName="device", PolicyName="sync", PolicyDocument=json.dumps(policy))
    key = iam.create_access_key(UserName="device")["AccessKey"]
    switch_on = urllib.request.Request(
        f"{endpoint}/moto-api/reset-auth", data=b"0", headers={"Content-Type": "text/plain"}
    )
    urllib.request.urlopen(switch_on).close()
    return {"access_key": key["AccessKeyId"], "secret_key": key["SecretAccessKey"]}


def all_text(error: BaseException | None) -> str:
    """The message, arguments and representation of an error and everything chained to it
    (to prove a credential appears in none of them)."""
    text = []
    while error is not None:
        text += [str(error), repr(error), repr(error.args)]
        error = error.__cause__ or error.__context__
    return "\n".join(text)
