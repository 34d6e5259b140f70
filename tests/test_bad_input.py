"""Bad input: a clear one-line error, a non-zero exit, nothing modified, no traceback.

"Nothing modified" is checked on the bytes of every file in the vault folder
(``hrdesk.db``, its WAL if any, ``keyslots.json``).
"""

from __future__ import annotations

import json
import os
import secrets
import struct
from pathlib import Path
from types import SimpleNamespace

import pytest

from hrdesk.services import cases, users
from hrdesk.store import kdf, vault
from hrdesk.store.connection import connect

from .conftest import PASSPHRASE, run_subprocess

BOB_PASSPHRASE = "bob's own long passphrase"
CANARY = "CANARY-7f3a9c-" + "sensitive-" * 8  # longer than any value hrdesk echoes


def one_line_error(result) -> str:
    """The error output, checked to be one ``hrdesk:`` line without a traceback."""
    assert result.code != 0
    assert "Traceback" not in result.err
    assert result.err.startswith("hrdesk: ")
    assert result.err.endswith("\n")
    assert result.err.count("\n") == 1, result.err
    return result.err


def snapshot(folder: Path) -> dict[str, bytes]:
    return {path.name: path.read_bytes() for path in sorted(folder.iterdir()) if path.is_file()}


@pytest.fixture
def existing(vault_dir: Path):
    """A locked vault with two users and one case; slots cost two Argon2id passes."""
    params = kdf.KdfParams(time_cost=2, memory_kib=1024, parallelism=1, salt=os.urandom(16))
    created = vault.create_vault(vault_dir, PASSPHRASE, "Test org", "amina", params)
    with created.session as session:
        users.add_user(session, "bob", "caseworker", BOB_PASSPHRASE, params.with_new_salt())
        case = cases.add_case(
            session,
            {
                "title": "Existing case",
                "opened_on": "2026-01-10",
                "people": [{"name": "Hassan Ali", "role": "victim"}],
                "incidents": [{"date": "2026-01-05", "violations": ["killing"]}],
                "notes": [{"text": "First note."}],
            },
        )
    return SimpleNamespace(
        ref=case["ref"], case=case, recovery_key=created.recovery_key, files=snapshot(vault_dir)
    )


@pytest.fixture
def unchanged(existing, vault_dir):
    """Asserts, after the test body, that no file of the vault changed."""
    yield
    assert snapshot(vault_dir) == existing.files


def listing(cli) -> str:
    result = cli("case", "list", "--json")
    assert result.code == 0, result.err
    return result.out


# -- unlocking --------------------------------------------------------------------------


def test_wrong_passphrase_exits_2_with_a_clear_message(cli, unchanged):
    result = cli("case", "list", env={"HRDESK_PASSPHRASE": "not the passphrase at all"})

    assert result.code == 2
    assert result.err == "hrdesk: Wrong passphrase.\n"
    assert result.out == ""


def test_wrong_recovery_key_is_refused(cli, unchanged):
    wrong = secrets.token_hex(32)

    result = cli("--recovery-key", "case", "list", env={"HRDESK_RECOVERY_KEY": wrong})

    assert result.code == 2
    assert "recovery key does not open this vault" in one_line_error(result)
    assert wrong not in result.err


@pytest.mark.parametrize(
    "malformed",
    ["hello", "ABCD-" * 15 + "ABC", "ABCD-" * 15 + "ABCG", "ABCD-" * 16 + "ABCD", ""],
)
def test_malformed_recovery_key_is_refused(cli, unchanged, malformed):
    result = cli("--recovery-key", "case", "list", env={"HRDESK_RECOVERY_KEY": malformed})

    assert result.code == 2
    assert "not a recovery key" in one_line_error(result)


def test_an_empty_folder_is_not_a_vault(cli, tmp_path):
    empty = tmp_path / "empty"
    empty.mkdir()

    result = cli("--vault", str(empty), "case", "list")

    assert result.code == 1
    assert "is not an hrdesk vault" in one_line_error(result)
    assert list(empty.iterdir()) == []


def test_a_file_is_not_a_vault(cli, tmp_path):
    stray = tmp_path / "holiday.jpg"
    stray.write_bytes(os.urandom(4096))
    before = stray.read_bytes()

    result = cli("--vault", str(stray), "case", "list")

    assert "is not an hrdesk vault" in one_line_error(result)
    assert stray.read_bytes() == before


def test_random_bytes_in_place_of_the_database_are_refused(cli, existing, vault_dir):
    (vault_dir / "hrdesk.db").write_bytes(os.urandom(8192))
    before = snapshot(vault_dir)

    result = cli("case", "list")

    assert result.code == 1
    assert "cannot be read" in one_line_error(result)
    assert snapshot(vault_dir) == before


@pytest.mark.parametrize("kept", [0.5, 0.05, 0.0])
def test_a_truncated_database_is_refused(cli, existing, vault_dir, kept):
    database = vault_dir / "hrdesk.db"
    content = existing.files["hrdesk.db"]
    database.write_bytes(content[: int(len(content) * kept)])
    before = snapshot(vault_dir)

    result = cli("case", "list")

    assert result.code == 1
    assert "damaged" in one_line_error(result)
    assert snapshot(vault_dir) == before


def test_a_truncated_database_is_refused_with_the_recovery_key_too(cli, existing, vault_dir):
    (vault_dir / "hrdesk.db").write_bytes(b"")

    result = cli(
        "--recovery-key", "case", "list", env={"HRDESK_RECOVERY_KEY": existing.recovery_key}
    )

    assert "damaged" in one_line_error(result)
    assert (vault_dir / "hrdesk.db").read_bytes() == b""


def flip_middle(database: Path) -> None:
    """Damage a page that opening the vault does not read (the case-title index), so
    the vault still opens and ``check`` is what finds it."""
    session = vault.unlock(database.parent, PASSPHRASE)
    (page,) = session.conn.execute(
        "SELECT rootpage FROM sqlite_master WHERE name = 'cases_title'"
    ).fetchone()
    session.lock()
    data = bytearray(database.read_bytes())
    middle = (page - 1) * 4096 + 2048
    for index in range(middle, middle + 32):
        data[index] ^= 0xFF
    database.write_bytes(bytes(data))


def test_check_reports_a_database_with_flipped_bytes(cli, existing, vault_dir):
    flip_middle(vault_dir / "hrdesk.db")
    before = snapshot(vault_dir)

    result = cli("check")

    assert result.code == 1
    assert "Traceback" not in result.err
    assert "encrypted pages fail their authentication check" in result.out
    assert "sound" not in result.out
    assert snapshot(vault_dir) == before


def flip_page_of(vault_dir: Path, recovery_key: str, table: str) -> None:
    """Damage the first page of ``table`` (found with the key, then the key is dropped)."""
    conn = connect(vault_dir / "hrdesk.db", vault.parse_recovery_key(recovery_key))
    try:
        page_size = int(conn.execute("PRAGMA page_size").fetchone()[0])
        (root,) = conn.execute(
            "SELECT rootpage FROM sqlite_master WHERE name = ?", (table,)
        ).fetchone()
    finally:
        conn.close()
    database = vault_dir / "hrdesk.db"
    data = bytearray(database.read_bytes())
    start = (root - 1) * page_size + page_size // 2
    for index in range(start, start + 32):
        data[index] ^= 0xFF
    database.write_bytes(bytes(data))


def test_reading_a_damaged_page_fails_with_a_clear_message(cli, existing, vault_dir, tmp_path):
    flip_page_of(vault_dir, existing.recovery_key, "cases")
    before = snapshot(vault_dir)

    result = cli("export", "json", str(tmp_path / "out.json"))

    assert "damaged" in one_line_error(result)
    assert not (tmp_path / "out.json").exists()
    assert snapshot(vault_dir) == before


# -- key slots ------------------------------------------------------------------------------


def test_missing_keyslots_points_to_the_recovery_key_which_opens_and_repairs(
    cli, existing, vault_dir
):
    (vault_dir / "keyslots.json").unlink()

    result = cli("case", "list")

    assert result.code == 1
    assert "recovery key" in one_line_error(result)
    assert snapshot(vault_dir) == {"hrdesk.db": existing.files["hrdesk.db"]}
    by_key = {"HRDESK_RECOVERY_KEY": existing.recovery_key}
    opened = cli("--recovery-key", "case", "list", env=by_key)
    assert opened.code == 0, opened.err
    assert existing.ref in opened.out
    new_passphrase = "a fresh passphrase after the loss"
    repaired = cli(
        "--recovery-key", "passphrase", env={**by_key, "HRDESK_NEW_PASSPHRASE": new_passphrase}
    )
    assert repaired.code == 0, repaired.err
    after = cli("case", "list", env={"HRDESK_PASSPHRASE": new_passphrase})
    assert after.code == 0, after.err
    assert existing.ref in after.out


def rewrite_slots(vault_dir: Path, change) -> bytes:
    path = vault_dir / "keyslots.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(json.dumps(data, indent=1), encoding="utf-8")
    return path.read_bytes()


def flip_wrapped(data) -> None:
    for slot in data["slots"]:
        wrapped = bytearray.fromhex(slot["wrapped"])
        wrapped[5] ^= 0x01
        slot["wrapped"] = wrapped.hex()


def lower_time_cost(data) -> None:
    for slot in data["slots"]:
        slot["kdf"]["time_cost"] = 1


def swap_user_ids(data) -> None:
    first, second = data["slots"]
    first["user_id"], second["user_id"] = second["user_id"], first["user_id"]


def other_vault_id(data) -> None:
    data["vault_id"] = secrets.token_hex(16)


@pytest.mark.parametrize(
    "tamper",
    [flip_wrapped, lower_time_cost, swap_user_ids, other_vault_id],
    ids=lambda f: f.__name__,
)
@pytest.mark.parametrize("passphrase", [PASSPHRASE, BOB_PASSPHRASE], ids=["amina", "bob"])
def test_tampered_keyslots_refuse_to_unlock(cli, existing, vault_dir, tamper, passphrase):
    tampered = rewrite_slots(vault_dir, tamper)
    before = snapshot(vault_dir)

    result = cli("case", "list", env={"HRDESK_PASSPHRASE": passphrase})

    assert result.code == 2
    assert one_line_error(result) == "hrdesk: Wrong passphrase.\n"
    assert result.out == ""
    assert (vault_dir / "keyslots.json").read_bytes() == tampered
    assert snapshot(vault_dir) == before


@pytest.mark.parametrize(
    "content",
    [b"{not json", b"", b"[]", b'{"format": "hrdesk-keyslots", "version": 1}', b"\xff\xfe\x00"],
    ids=["garbage", "empty", "list", "no-slots", "not-utf8"],
)
def test_damaged_keyslots_file_points_to_the_recovery_key(cli, existing, vault_dir, content):
    (vault_dir / "keyslots.json").write_bytes(content)
    before = snapshot(vault_dir)

    result = cli("case", "list")

    assert result.code == 1
    assert "unlock with the recovery key" in one_line_error(result)
    assert snapshot(vault_dir) == before


# -- hostile key-derivation parameters ----------------------------------------------------
# A key-slot file or a sealed export is read before anything in it is authenticated, and
# Argon2id spends whatever memory and time its parameters ask for. Past the bounds of
# kdf.py, the file is refused at once: argon2 is never called (no real derivation here,
# not even to show the hang: 4 GiB and 1,000 passes run for over an hour).


def block_argon2(monkeypatch) -> list[dict[str, object]]:
    """From now on, every call to Argon2id is recorded (and fails): tests assert none."""
    calls: list[dict[str, object]] = []

    def refuse(*args: object, **kwargs: object) -> bytes:
        calls.append(kwargs)
        raise AssertionError("Argon2id was run on refused parameters")

    monkeypatch.setattr(kdf, "hash_secret_raw", refuse)
    return calls


HOSTILE_KDF = {
    "the-review's-file": {"memory_kib": 4 * 1024 * 1024, "time_cost": 1000},
    "passes": {"time_cost": 10**6},
    "memory": {"memory_kib": 64 * 1024 * 1024},
    "lanes": {"parallelism": 1000, "memory_kib": 8 * 1000},
    "passes-times-memory": {"time_cost": 256, "memory_kib": 1024 * 1024},
}
NONSENSE_KDF = {
    "no-pass": {"time_cost": 0},
    "no-lane": {"parallelism": 0},
    "memory-below-argon2's-minimum": {"memory_kib": 4},
    "short-salt": {"salt": "00" * 8},
    "long-salt": {"salt": "00" * 100_000},
    "infinite-passes": {"time_cost": float("inf")},
    "fractional-memory": {"memory_kib": 1024.5},
    "passes-as-text": {"time_cost": "3"},
    "passes-as-bool": {"time_cost": True},
    "kdf-not-an-object": None,
}


def set_kdf(change: dict | None):
    def apply(holder: dict) -> None:
        if change is None:
            holder["kdf"] = ["argon2id"]
        else:
            holder["kdf"].update(change)

    return apply


@pytest.mark.parametrize("change", HOSTILE_KDF.values(), ids=HOSTILE_KDF.keys())
def test_hostile_kdf_parameters_in_keyslots_are_refused_before_any_derivation(
    cli, existing, vault_dir, monkeypatch, change
):
    rewrite_slots(vault_dir, lambda data: set_kdf(change)(data["slots"][0]))
    calls = block_argon2(monkeypatch)
    before = snapshot(vault_dir)

    result = cli("case", "list")

    assert result.code == 1
    error = one_line_error(result)
    assert "far more memory or time than hrdesk ever uses" in error
    assert "unlock with the recovery key" in error
    assert calls == []
    assert snapshot(vault_dir) == before


@pytest.mark.parametrize("change", NONSENSE_KDF.values(), ids=NONSENSE_KDF.keys())
def test_nonsense_kdf_parameters_in_keyslots_are_a_damaged_file(
    cli, existing, vault_dir, monkeypatch, change
):
    rewrite_slots(vault_dir, lambda data: set_kdf(change)(data["slots"][1]))
    calls = block_argon2(monkeypatch)
    before = snapshot(vault_dir)

    result = cli("case", "list")

    assert result.code == 1
    assert "missing or damaged; unlock with the recovery key" in one_line_error(result)
    assert calls == []
    assert snapshot(vault_dir) == before


def sealed_export(cli, tmp_path: Path) -> Path:
    result = cli("export", "json", str(tmp_path / "out.json"), "--encrypt", env=EXPORT_PASSPHRASE)
    assert result.code == 0, result.err
    return Path(result.out.strip())


def rewrite_sealed_header(path: Path, change) -> bytes:
    """The sealed file with its header's KDF parameters changed (a file made to stall us:
    the header is authenticated only once the key is derived)."""
    blob = path.read_bytes()
    (length,) = struct.unpack(">I", blob[8:12])
    header = json.loads(blob[12 : 12 + length])
    change(header)
    encoded = json.dumps(header, sort_keys=True).encode()
    path.write_bytes(blob[:8] + struct.pack(">I", len(encoded)) + encoded + blob[12 + length :])
    return path.read_bytes()


EXPORT_PASSPHRASE = {"HRDESK_EXPORT_PASSPHRASE": "the export's own passphrase"}


@pytest.mark.parametrize("change", HOSTILE_KDF.values(), ids=HOSTILE_KDF.keys())
def test_a_sealed_file_asking_for_hours_of_work_is_refused_before_any_derivation(
    cli, existing, tmp_path, monkeypatch, change
):
    sealed = sealed_export(cli, tmp_path)
    hostile = rewrite_sealed_header(sealed, set_kdf(change))
    calls = block_argon2(monkeypatch)
    opened = tmp_path / "opened.json"

    result = cli("unseal", str(sealed), str(opened), env=EXPORT_PASSPHRASE)

    assert result.code == 1
    error = one_line_error(result)
    assert "This sealed file asks for far more memory or time than hrdesk ever uses" in error
    assert calls == []
    assert not opened.exists()
    assert sealed.read_bytes() == hostile


@pytest.mark.parametrize("change", NONSENSE_KDF.values(), ids=NONSENSE_KDF.keys())
def test_a_sealed_file_with_nonsense_kdf_parameters_is_damaged(
    cli, existing, tmp_path, monkeypatch, change
):
    sealed = sealed_export(cli, tmp_path)
    rewrite_sealed_header(sealed, set_kdf(change))
    calls = block_argon2(monkeypatch)
    opened = tmp_path / "opened.json"

    result = cli("unseal", str(sealed), str(opened), env=EXPORT_PASSPHRASE)

    assert result.code == 1
    assert one_line_error(result) == "hrdesk: This is not a sealed hrdesk file, or it is damaged.\n"
    assert calls == []
    assert not opened.exists()


# -- case JSON --------------------------------------------------------------------------


def add_raw(cli, text: str):
    return cli("case", "add", "--json", "-", stdin=text)


def test_malformed_json_names_line_and_column(cli, existing, unchanged):
    before = listing(cli)

    result = add_raw(cli, '{\n  "title": "x",\n  "status": \n}')

    assert result.code == 1
    assert one_line_error(result) == "hrdesk: not valid JSON (line 4, column 1)\n"
    assert listing(cli) == before


def test_unreadable_input_file_is_named(cli, unchanged, tmp_path):
    missing = tmp_path / "nowhere.json"

    result = cli("case", "add", "--json", str(missing))

    assert result.code == 1
    assert one_line_error(result) == f"hrdesk: Cannot read {missing}.\n"


INVALID_NEW_CASES = [
    pytest.param(["not", "an", "object"], "hrdesk: expected an object", id="not-an-object"),
    pytest.param({"summary": "no title"}, "hrdesk: title: is required", id="missing-title"),
    pytest.param({"title": "   "}, "hrdesk: title: must not be empty", id="blank-title"),
    pytest.param({"title": "t", "colour": "red"}, "hrdesk: colour: unknown key", id="unknown-key"),
    pytest.param(
        {"title": "t", "people": [{"name": "A", "role": "victim", "foo": 1}]},
        "hrdesk: people[0].foo: unknown key",
        id="unknown-nested-key",
    ),
    pytest.param(
        {"title": "t", "location": {"city": "Kassala"}},
        "hrdesk: location.city: unknown key",
        id="unknown-location-key",
    ),
    pytest.param(
        {"title": "t", "opened_on": "2026-02-30"},
        "hrdesk: opened_on: “2026-02-30” is not a date",
        id="date-feb-30",
    ),
    pytest.param(
        {"title": "t", "opened_on": "2026/02/01"},
        "hrdesk: opened_on: “2026/02/01” is not a date",
        id="date-slashes",
    ),
    pytest.param(
        {"title": "t", "opened_on": "20260201"},
        "hrdesk: opened_on: “…” is not a date (expected YYYY-MM-DD)",  # digits may be a phone
        id="date-compact",
    ),
    pytest.param(
        {"title": "t", "people": [{"name": "A", "role": "victim", "birth_date": "1990-13-01"}]},
        "hrdesk: people[0].birth_date: “1990-13-01” is not a date",
        id="birth-date",
    ),
    pytest.param(
        {"title": "t", "status": "pending"},
        "hrdesk: status: “pending” is not one of: open, active",
        id="status-slug",
    ),
    pytest.param(
        {"title": "t", "people": [{"name": "A", "role": "boss"}]},
        "hrdesk: people[0].role: “boss” is not one of: victim",
        id="role-slug",
    ),
    pytest.param(
        {"title": "t", "incidents": [{"violations": ["killing", "jaywalking"]}]},
        "hrdesk: incidents[0].violations[1]: “jaywalking” is not one of: killing",
        id="violation-slug",
    ),
    pytest.param(
        {"title": "t", "incidents": [{"violations": []}]},
        "hrdesk: incidents[0].violations: needs at least 1",
        id="no-violation",
    ),
    pytest.param(
        {"title": "t", "incidents": [{"date": "2026-03", "violations": ["killing"]}]},
        "hrdesk: incidents[0].date: “2026-03” does not match the date precision “exact”",
        id="precision-default-exact",
    ),
    pytest.param(
        {
            "title": "t",
            "incidents": [{"date": "2026", "date_precision": "month", "violations": ["killing"]}],
        },
        "hrdesk: incidents[0].date: “2026” does not match the date precision “month”",
        id="precision-month",
    ),
    pytest.param(
        {
            "title": "t",
            "incidents": [
                {"date": "2026-02-30", "date_precision": "exact", "violations": ["killing"]}
            ],
        },
        "hrdesk: incidents[0].date: expected a date",
        id="incident-impossible-date",
    ),
    pytest.param(
        {
            "title": "t",
            "people": [{"name": "Hassan", "role": "victim"}],
            "incidents": [{"violations": ["killing"], "victims": ["Hassan", "Hussein"]}],
        },
        "hrdesk: incidents[0].victims[1]: is not the name or alias of a person in this case",
        id="unknown-victim",
    ),
    pytest.param(
        {"title": "t", "incidents": [{"violations": ["killing"], "perpetrators": ["Unit 9"]}]},
        "hrdesk: incidents[0].perpetrators[0]: is not the name or alias",
        id="unknown-perpetrator",
    ),
    pytest.param(
        {"title": "t", "opened_on": "2026-03-01", "closed_on": "2026-02-28"},
        "hrdesk: closed_on: cannot be before opened_on",
        id="closed-before-opened",
    ),
    pytest.param(
        {"title": "t", "id": "0" * 32}, "hrdesk: id: is assigned by hrdesk", id="id-on-add"
    ),
    pytest.param(
        {"title": "t", "ref": "2026-AAAA-0001"}, "hrdesk: ref: is assigned by hrdesk", id="ref"
    ),
    pytest.param(
        {"title": "t", "people": [{"id": "x", "name": "A", "role": "victim"}]},
        "hrdesk: people[0].id: is only allowed when updating",
        id="person-id-on-add",
    ),
    pytest.param(
        {"title": "t", "people": [{"role": "victim"}]},
        "hrdesk: people[0].name: a name or an alias is required",
        id="nameless-person",
    ),
    pytest.param(
        {
            "title": "t",
            "people": [{"name": "Unit", "role": "source", "actor_type": "state", "contact": "x"}],
        },
        "hrdesk: people[0].contact: does not apply to a group",
        id="actor-with-person-field",
    ),
    pytest.param(
        {"title": "t", "assigned": ["nobody"]},
        "hrdesk: assigned[0]: is not a user of this vault",
        id="unknown-user",
    ),
]


@pytest.mark.parametrize(("data", "message"), INVALID_NEW_CASES)
def test_invalid_case_is_refused_naming_the_field(cli, existing, unchanged, data, message):
    before = listing(cli)

    result = add_raw(cli, json.dumps(data))

    assert result.code == 1
    assert one_line_error(result).startswith(message)
    assert result.out == ""
    assert listing(cli) == before


INVALID_UPDATES = [
    pytest.param(
        lambda case: {"notes": [{"id": case["notes"][0]["id"], "text": "rewritten"}]},
        "hrdesk: notes[0].id: notes cannot be changed once written",
        id="note-edited-by-id",
    ),
    pytest.param(
        lambda case: {"closed_on": "2026-01-09"},
        "hrdesk: closed_on: cannot be before opened_on",
        id="closed-before-stored-opened",
    ),
    pytest.param(
        lambda case: {"opened_on": "2026-02-02", "closed_on": "2026-02-01"},
        "hrdesk: closed_on: cannot be before opened_on",
        id="closed-before-new-opened",
    ),
    pytest.param(
        lambda case: {"people": [{"id": "0" * 32, "name": "Ghost"}]},
        "hrdesk: people[0].id: is not a person of this case",
        id="unknown-person-id",
    ),
    pytest.param(
        lambda case: {"incidents": [{"id": "0" * 32, "deleted": True}]},
        "hrdesk: incidents[0].id: is not an incident of this case",
        id="unknown-incident-id",
    ),
    pytest.param(
        lambda case: {"incidents": [{"deleted": True}]},
        "hrdesk: incidents[0].deleted: needs the id",
        id="delete-without-id",
    ),
    pytest.param(
        lambda case: {
            "incidents": [{"id": case["incidents"][0]["id"], "victims": ["Nobody Known"]}]
        },
        "hrdesk: incidents[0].victims[0]: is not the name or alias",
        id="unknown-victim",
    ),
    pytest.param(
        lambda case: {"people": [{"id": case["people"][0]["id"], "shoe_size": 42}]},
        "hrdesk: people[0].shoe_size: unknown key",
        id="unknown-nested-key",
    ),
    pytest.param(lambda case: {"ref": "2026-AAAA-0001"}, "hrdesk: ref: is assigned", id="ref"),
    pytest.param(
        lambda case: {"status": "done"}, "hrdesk: status: “done” is not one of", id="status"
    ),
]


@pytest.mark.parametrize(("make", "message"), INVALID_UPDATES)
def test_invalid_update_is_refused_naming_the_field(cli, existing, unchanged, make, message):
    before = cli("case", "show", existing.ref, "--json").out

    result = cli(
        "case", "update", existing.ref, "--json", "-", stdin=json.dumps(make(existing.case))
    )

    assert result.code == 1
    assert one_line_error(result).startswith(message)
    assert cli("case", "show", existing.ref, "--json").out == before


@pytest.mark.parametrize(
    "command",
    [
        ["case", "show", "2026-ZZZZ-9999"],
        ["case", "update", "2026-ZZZZ-9999", "--json", "-"],
        ["history", "2026-ZZZZ-9999"],
    ],
    ids=["show", "update", "history"],
)
def test_unknown_ref_is_named(cli, existing, unchanged, command):
    result = cli(*command, stdin='{"title": "x"}')

    assert result.code == 1
    assert one_line_error(result) == "hrdesk: No case with reference 2026-ZZZZ-9999.\n"


# -- sensitive values stay out of error messages --------------------------------------------


@pytest.mark.parametrize(
    ("data", "path"),
    [
        ({"title": CANARY * 4}, "title"),
        ({"title": "t", "status": CANARY}, "status"),
        ({"title": "t", "opened_on": CANARY}, "opened_on"),
        ({"title": "t", "location": {"country": CANARY}}, "location.country"),
        ({"title": "t", "people": [{"name": "A", "role": CANARY}]}, "people[0].role"),
        (
            {"title": "t", "people": [{"name": "A", "role": "victim", "nationality": CANARY}]},
            "people[0].nationality",
        ),
        (
            {"title": "t", "people": [{"name": "A", "role": "victim", "languages": [CANARY]}]},
            "people[0].languages[0]",
        ),
        (
            {"title": "t", "people": [{"name": "A", "role": "victim", "age_range": CANARY}]},
            "people[0].age_range",
        ),
        (
            {"title": "t", "people": [{"name": "A", "role": "victim", "contact": CANARY * 30}]},
            "people[0].contact",
        ),
        (
            {"title": "t", "incidents": [{"date": CANARY, "violations": ["killing"]}]},
            "incidents[0].date",
        ),
        (
            {"title": "t", "incidents": [{"violations": ["killing"], "victims": [CANARY]}]},
            "incidents[0].victims[0]",
        ),
    ],
)
def test_error_messages_do_not_repeat_a_long_sensitive_value(cli, existing, unchanged, data, path):
    result = add_raw(cli, json.dumps(data))

    error = one_line_error(result)
    assert error.startswith(f"hrdesk: {path}: ")
    assert "CANARY" not in error
    assert "sensitive-" not in error


# -- the real program: exit codes and no traceback ------------------------------------------


def run_real(vault_dir: Path, *args: str, passphrase: str = PASSPHRASE, **kwargs):
    return run_subprocess(
        ["--vault", str(vault_dir), *args], {"HRDESK_PASSPHRASE": passphrase}, **kwargs
    )


def test_real_program_exits_2_on_a_wrong_passphrase(existing, vault_dir):
    result = run_real(vault_dir, "case", "list", passphrase="not the passphrase at all")

    assert result.returncode == 2
    assert result.stderr == "hrdesk: Wrong passphrase.\n"
    assert snapshot(vault_dir) == existing.files


def test_real_program_exits_1_on_malformed_json(existing, vault_dir):
    result = run_real(vault_dir, "case", "add", "--json", "-", input='{"title": ')

    assert result.returncode == 1
    assert result.stderr == "hrdesk: not valid JSON (line 1, column 11)\n"
    assert snapshot(vault_dir) == existing.files


def test_real_program_refuses_a_key_slot_asking_for_1000_passes(existing, vault_dir):
    # 1,000 passes over 1 MiB: cheap enough to have been run before the bounds (then
    # "Wrong passphrase"), far past what hrdesk ever sets.
    passes = set_kdf({"time_cost": 1000})
    tampered = rewrite_slots(vault_dir, lambda data: [passes(slot) for slot in data["slots"]])

    result = run_real(vault_dir, "case", "list")

    assert result.returncode == 1
    assert result.stderr.startswith("hrdesk: The key-slot file of this vault asks for far more")
    assert result.stderr.endswith("unlock with the recovery key to repair it.\n")
    assert snapshot(vault_dir) == {**existing.files, "keyslots.json": tampered}


def test_real_program_refuses_a_sealed_file_asking_for_1000_passes(cli, existing, tmp_path):
    sealed = sealed_export(cli, tmp_path)
    rewrite_sealed_header(sealed, set_kdf({"time_cost": 1000}))
    opened = tmp_path / "opened.json"

    result = run_subprocess(["unseal", str(sealed), str(opened)], EXPORT_PASSPHRASE)

    assert result.returncode == 1
    assert result.stderr.startswith("hrdesk: This sealed file asks for far more memory or time")
    assert not opened.exists()


def test_real_program_exits_1_when_not_a_vault(tmp_path):
    result = run_real(tmp_path / "missing", "case", "list")

    assert result.returncode == 1
    assert result.stderr.startswith("hrdesk: ")
    assert "Traceback" not in result.stderr


def test_real_program_check_of_a_damaged_database_has_no_traceback(existing, vault_dir):
    flip_middle(vault_dir / "hrdesk.db")

    result = run_real(vault_dir, "check")

    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert "authentication check" in result.stdout


def test_real_program_rejects_an_unknown_user_role_with_usage(existing, vault_dir):
    result = run_real(vault_dir, "user", "add", "carol", "--role", "superuser")

    assert result.returncode == 2
    assert "invalid choice: 'superuser'" in result.stderr
    assert "Traceback" not in result.stderr
    assert snapshot(vault_dir) == existing.files


def test_after_a_slot_loss_the_admin_is_told_who_to_restore_and_can(cli, existing, vault_dir):
    added = cli(
        "user",
        "add",
        "karim",
        "--role",
        "caseworker",
        env={"HRDESK_NEW_PASSPHRASE": "karim's passphrase"},
    )
    assert added.code == 0, added.err
    (vault_dir / "keyslots.json").unlink()
    by_key = {"HRDESK_RECOVERY_KEY": existing.recovery_key}

    repaired = cli(
        "--recovery-key",
        "passphrase",
        env={**by_key, "HRDESK_NEW_PASSPHRASE": "the admin's new passphrase"},
    )

    assert repaired.code == 0, repaired.err
    assert "karim" in repaired.err and "hrdesk user passphrase" in repaired.err
    assert cli("case", "list", env={"HRDESK_PASSPHRASE": "karim's passphrase"}).code == 2
    reset = cli(
        "user",
        "passphrase",
        "karim",
        env={
            "HRDESK_PASSPHRASE": "the admin's new passphrase",
            "HRDESK_NEW_PASSPHRASE": "karim's second passphrase",
        },
    )
    assert reset.code == 0, reset.err
    assert "karim" not in reset.err
    assert cli("case", "list", env={"HRDESK_PASSPHRASE": "karim's second passphrase"}).code == 0


def test_only_an_admin_resets_another_users_passphrase(cli, existing):
    cli(
        "user",
        "add",
        "karim",
        "--role",
        "caseworker",
        env={"HRDESK_NEW_PASSPHRASE": "karim's passphrase"},
    )
    result = cli(
        "user",
        "passphrase",
        "amina",
        env={
            "HRDESK_PASSPHRASE": "karim's passphrase",
            "HRDESK_NEW_PASSPHRASE": "an attempt to take over",
        },
    )
    assert result.code == 1
    assert "administrator" in one_line_error(result)


def test_a_malformed_date_filter_is_refused_by_the_command_line(cli, existing):
    with pytest.raises(SystemExit) as stopped:
        cli("case", "list", "--opened-from", "2026-13-01")
    assert stopped.value.code == 2
