"""Two real vaults syncing through real servers on 127.0.0.1: WebDAV (wsgidav) and
S3 (moto_server), set up the way a user would (an address and credentials), with the
same concurrent edit on both sides. Both must show the same data and conflicts, and
the server must hold no plaintext and no credentials of the vault."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest

from hrdesk.services import cases, conflicts, sync
from hrdesk.store.vault import Session
from tests.servers import (
    BUCKET,
    WEBDAV_PASSWORD,
    WEBDAV_USER,
)
from tests.sync_support import join, new_vault, replica_state

CANARY = "Canary-Http-Kestrel-31"


@pytest.fixture
def webdav(webdav_server) -> tuple[str, Path]:
    url, root = webdav_server
    return url.replace("http://", "webdav://"), root


def two_vaults_edit_and_sync(tmp_path, address: str, options: dict) -> tuple[Session, Session]:
    a = new_vault(tmp_path / "a", "amina")
    b = new_vault(tmp_path / "b", "bilal")
    sync.setup(a, address, options, "office")
    join(a, b, "field")
    ref = cases.add_case(a, {"title": "Original", "summary": CANARY})["ref"]
    sync.run(a)
    sync.run(b)
    cases.update_case(a, ref, {"title": "Title from the office"})
    cases.update_case(b, ref, {"title": "Title from the field"})
    for session in (a, b, a):
        sync.run(session)
    return a, b


def check_same(a: Session, b: Session) -> None:
    assert replica_state(a) == replica_state(b)
    (conflict,) = conflicts.list_conflicts(a)
    assert conflicts.list_conflicts(b) == [conflict]
    assert sorted(v["value"] for v in conflict["versions"]) == [
        "Title from the field",
        "Title from the office",
    ]


def test_two_vaults_over_webdav(webdav, tmp_path):
    url, root = webdav
    folder = Path(tempfile.mkdtemp(prefix="org-", dir=root))
    address = f"{url}/{folder.name}"
    a, b = two_vaults_edit_and_sync(
        tmp_path, address, {"username": WEBDAV_USER, "password": WEBDAV_PASSWORD}
    )
    try:
        check_same(a, b)
        stored = [p.read_bytes() for p in folder.rglob("*") if p.is_file()]
        assert len(stored) >= 4  # device lists and both devices' files
        for data in stored:
            assert CANARY.encode() not in data and WEBDAV_PASSWORD.encode() not in data
        # The password is kept inside the vault and never shown.
        status = sync.status(a)
        assert WEBDAV_PASSWORD not in repr(status)
    finally:
        a.lock()
        b.lock()


def test_two_vaults_over_s3(s3_server, tmp_path):
    endpoint, keys = s3_server
    options = {"endpoint": endpoint, "region": "us-east-1", **keys}
    a, b = two_vaults_edit_and_sync(tmp_path, f"s3://{BUCKET}/org-one", options)
    try:
        check_same(a, b)
        import boto3  # reading the bucket back with an independent client

        client = boto3.client(
            "s3",
            endpoint_url=endpoint,
            region_name="us-east-1",
            aws_access_key_id=keys["access_key"],
            aws_secret_access_key=keys["secret_key"],
        )
        listed = client.list_objects_v2(Bucket=BUCKET, Prefix="org-one/")["Contents"]
        assert any(item["Key"].startswith("org-one/log/") for item in listed)
        for item in listed:
            data = client.get_object(Bucket=BUCKET, Key=item["Key"])["Body"].read()
            assert CANARY.encode() not in data and keys["secret_key"].encode() not in data
        assert keys["secret_key"] not in repr(sync.status(b))
    finally:
        a.lock()
        b.lock()
