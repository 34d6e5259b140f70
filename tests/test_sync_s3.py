"""The S3 transport against a real S3 server (moto_server, in a subprocess).

moto checks signatures once IAM authentication is switched on: it recomputes each one
with botocore from a key made through its IAM API, so these tests prove the hand-written
SigV4 against the reference implementation, and wrong keys are really refused. The
signer is also checked on the examples AWS publishes.
"""

from __future__ import annotations

import hashlib

import boto3
import pytest

from hrdesk.sync import s3
from hrdesk.sync.s3 import S3Transport
from hrdesk.sync.transport import TransportError
from tests.servers import BUCKET, REGION, all_text, free_port, start_moto, stop


@pytest.fixture
def server(s3_server) -> tuple[str, dict[str, str]]:
    return s3_server


_prefixes = iter(range(1_000_000))


@pytest.fixture
def connect(server):
    """Makes transports on the test server, each test under a prefix of its own."""
    endpoint, keys = server
    prefix = f"vault-{next(_prefixes)}"

    def make(**changes) -> S3Transport:
        options = {"prefix": prefix, "endpoint_url": endpoint, "timeout": 5, **keys, **changes}
        return S3Transport(options.pop("bucket", BUCKET), **options)

    return make


@pytest.fixture
def remote(connect) -> S3Transport:
    return connect()


def test_names_stay_under_the_prefix(remote, connect):
    files = {"log/dev-a/1.hrd": b"a1", "blobs/0123456789abcdef0123456789abcdef": b"blob"}
    for name, data in files.items():
        assert remote.put_if_absent(name, data)
    whole_bucket = connect(prefix="")
    assert whole_bucket.list(remote.prefix) == [f"{remote.prefix}/{name}" for name in sorted(files)]


def test_more_than_a_thousand_files_are_listed_page_by_page(remote, monkeypatch):
    names = sorted(f"log/dev-a/{seq}.hrd" for seq in range(1, 1002))
    for name in names:
        assert remote.put_if_absent(name, b"x")
    pages = []
    real_request = remote._request

    def counting(method, key, params=None, **kwargs):
        pages.append(params)
        return real_request(method, key, params, **kwargs)

    monkeypatch.setattr(remote, "_request", counting)
    assert remote.list("log") == names
    assert len(pages) == 2
    assert "continuation-token" in pages[1]


def test_a_missing_bucket_is_a_clear_error(connect):
    remote = connect(bucket="no-such-bucket")
    for attempt in (
        lambda: remote.list("log"),
        lambda: remote.get("log/dev-a/1.hrd"),
        lambda: remote.put_if_absent("log/dev-a/1.hrd", b"x"),
    ):
        with pytest.raises(TransportError, match="The bucket no-such-bucket does not exist"):
            attempt()


def test_wrong_keys_are_refused_and_never_shown(remote, connect, server):
    secret = server[1]["secret_key"]
    assert remote.put_if_absent("log/dev-a/1.hrd", b"signed")
    for wrong in (
        connect(secret_key=secret[:-1] + "x"),
        connect(access_key="AKIAWRONGWRONGWRONG1"),
    ):
        for attempt in (
            lambda wrong=wrong: wrong.list("log"),
            lambda wrong=wrong: wrong.get("log/dev-a/1.hrd"),
            lambda wrong=wrong: wrong.put_if_absent("log/dev-a/2.hrd", b"forged"),
        ):
            with pytest.raises(TransportError, match="did not accept the access key") as err:
                attempt()
            assert secret[:-1] not in all_text(err.value)
    assert remote.list("log") == ["log/dev-a/1.hrd"]


def test_no_error_message_contains_the_secret_key(server):
    secret = server[1]["secret_key"]
    nobody = S3Transport(
        BUCKET,
        endpoint_url=f"http://127.0.0.1:{free_port()}",
        access_key=server[1]["access_key"],
        secret_key=secret,
        session_token="token-never-shown",
        timeout=5,
    )
    with pytest.raises(TransportError, match="Cannot reach the sync server") as err:
        nobody.put_if_absent("log/dev-a/1.hrd", b"x")
    assert secret not in all_text(err.value)
    assert "token-never-shown" not in all_text(err.value)


def test_a_stopped_server_is_a_clear_error_and_a_restarted_one_is_reached_again():
    port = free_port()
    endpoint = f"http://127.0.0.1:{port}"
    process = start_moto(port)  # authentication off: any key is taken
    try:
        keys = {"aws_access_key_id": "any", "aws_secret_access_key": "any"}
        boto3.client("s3", endpoint_url=endpoint, region_name=REGION, **keys).create_bucket(
            Bucket="stopped"
        )
        remote = S3Transport("stopped", endpoint_url=endpoint, access_key="any", secret_key="any")
        assert remote.put_if_absent("log/dev-a/1.hrd", b"x")  # the connection is open
        stop(process)
        with pytest.raises(TransportError, match=r"Cannot reach the sync server 127\.0\.0\.1"):
            remote.list("log")
        with pytest.raises(TransportError, match="Cannot reach"):
            remote.get("log/dev-a/1.hrd")
        process = start_moto(port)
        # Reached again, on a new connection; moto kept its buckets in memory only.
        with pytest.raises(TransportError, match="The bucket stopped does not exist"):
            remote.list("log")
    finally:
        stop(process)


def test_tls_is_verified_unless_told_otherwise():
    port = free_port()
    process = start_moto(port, "--ssl")  # a certificate of its own making
    try:
        options = {
            "endpoint_url": f"https://127.0.0.1:{port}",
            "access_key": "a",
            "secret_key": "b",
        }
        with pytest.raises(TransportError, match="certificate this computer does not trust"):
            S3Transport("nothing", **options).list("")
        with pytest.raises(TransportError, match="The bucket nothing does not exist"):
            S3Transport("nothing", verify_tls=False, **options).list("")
    finally:
        stop(process)


def test_a_write_in_flight_elsewhere_is_waited_for_then_judged(remote, monkeypatch):
    """AWS answers 409 ConditionalRequestConflict while another write of the key runs."""
    answers = iter([(409, b"<Error><Code>ConditionalRequestConflict</Code></Error>"), (404, b"")])
    real_request = remote._request

    def conflicted_once(method, key, params=None, **kwargs):
        if method in ("PUT", "HEAD"):
            answer = next(answers, None)
            if answer is not None:
                return answer
        return real_request(method, key, params, **kwargs)

    monkeypatch.setattr(s3.time, "sleep", lambda seconds: None)
    monkeypatch.setattr(remote, "_request", conflicted_once)
    assert remote.put_if_absent("log/dev-a/1.hrd", b"mine")  # the other write failed
    assert remote.get("log/dev-a/1.hrd") == b"mine"
    answers = iter([(409, b"<Error><Code>ConditionalRequestConflict</Code></Error>")])
    assert not remote.put_if_absent("log/dev-a/1.hrd", b"again")  # HEAD finds it there


# The examples of "Authenticating Requests: Using the Authorization Header (AWS Signature
# Version 4)" in the Amazon S3 API reference, with its example keys.
EXAMPLE = {
    "access_key": "AKIAIOSFODNN7EXAMPLE",
    "secret_key": "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
}
EMPTY = hashlib.sha256(b"").hexdigest()


@pytest.mark.parametrize(
    ("method", "path", "query", "headers", "signature"),
    [
        (
            "GET",
            "/test.txt",
            {},
            {"Range": "bytes=0-9", "x-amz-content-sha256": EMPTY},
            "f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41",
        ),
        (
            "PUT",
            "/test$file.text",
            {},
            {
                "Date": "Fri, 24 May 2013 00:00:00 GMT",
                "x-amz-storage-class": "REDUCED_REDUNDANCY",
                "x-amz-content-sha256": hashlib.sha256(b"Welcome to Amazon S3.").hexdigest(),
            },
            "98ad721746da40c64f1a55b78f14c238d841ea1380cd77a1b5971af0ece108bd",
        ),
        (
            "GET",
            "/",
            {"max-keys": "2", "prefix": "J"},
            {"x-amz-content-sha256": EMPTY},
            "34b48302e7b5fa45bde8084f4b7868a86f0a534bc59db6670ed5711ef69dc6f7",
        ),
    ],
)
def test_the_signer_reproduces_the_aws_examples(method, path, query, headers, signature):
    headers = {
        "Host": "examplebucket.s3.amazonaws.com",
        "x-amz-date": "20130524T000000Z",
        **headers,
    }
    header = s3.authorization(
        method, path, s3.canonical_query(query), headers, region=REGION, **EXAMPLE
    )
    assert header.startswith(
        "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request, "
    )
    assert header.endswith(f", Signature={signature}")
