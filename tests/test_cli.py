"""Every ``hrdesk`` command works as documented, against a real vault on disk.

Commands run in-process through the ``cli`` fixture (``hrdesk --vault <vault_dir> …``);
one test runs the real program in a child process.
"""

from __future__ import annotations

import csv
import json
import re
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from hrdesk.services import cases

from .conftest import PASSPHRASE, run_subprocess

RECOVERY_KEY_LINE = re.compile(r"^Recovery key: ((?:[0-9A-F]{4}-){15}[0-9A-F]{4})$", re.MULTILINE)
REF = re.compile(r"^(\d{4})-([0-9A-HJKMNP-TV-Z]{4})-(\d{4})$")
BOB_PASSPHRASE = "bob's own long passphrase"
NEW_PASSPHRASE = "a brand new passphrase for amina"


@pytest.fixture
def recovery_key(cli) -> str:
    """``hrdesk init`` in the empty vault folder; returns the recovery key it printed."""
    result = cli("init", env={"HRDESK_NEW_PASSPHRASE": PASSPHRASE})
    assert result.code == 0, result.err
    match = RECOVERY_KEY_LINE.search(result.out)
    assert match, result.out
    return match[1]


def add(cli, data: dict[str, Any]) -> dict[str, Any]:
    result = cli("case", "add", "--json", "-", stdin=json.dumps(data))
    assert result.code == 0, result.err
    return json.loads(result.out)


def show(cli, ref: str) -> dict[str, Any]:
    result = cli("case", "show", ref, "--json")
    assert result.code == 0, result.err
    return json.loads(result.out)


def update(cli, ref: str, data: dict[str, Any]) -> dict[str, Any]:
    result = cli("case", "update", ref, "--json", "-", stdin=json.dumps(data))
    assert result.code == 0, result.err
    return json.loads(result.out)


def listed_titles(cli, *args: str) -> list[str]:
    result = cli(*args, "--json", "--limit", "1000")
    assert result.code == 0, result.err
    return [row["title"] for row in json.loads(result.out)]


# -- init -------------------------------------------------------------------------------


def test_init_prints_a_recovery_key_of_sixteen_hex_groups(cli, vault_dir):
    result = cli("init", env={"HRDESK_NEW_PASSPHRASE": PASSPHRASE})

    assert result.code == 0
    match = RECOVERY_KEY_LINE.search(result.out)
    assert match
    assert len(match[1].split("-")) == 16
    assert (vault_dir / "hrdesk.db").is_file()
    assert (vault_dir / "keyslots.json").is_file()


def test_init_refuses_a_folder_that_is_not_empty(cli, vault_dir):
    vault_dir.mkdir()
    (vault_dir / "letter.txt").write_text("keep me")

    result = cli("init", env={"HRDESK_NEW_PASSPHRASE": PASSPHRASE})

    assert result.code != 0
    assert "not empty" in result.err
    assert sorted(p.name for p in vault_dir.iterdir()) == ["letter.txt"]
    assert (vault_dir / "letter.txt").read_text() == "keep me"


# -- case add / show ----------------------------------------------------------------------


def test_case_add_from_a_file_prints_the_created_case_with_its_ref(cli, recovery_key, tmp_path):
    source = tmp_path / "case.json"
    source.write_text(
        json.dumps({"title": "Detention of a journalist", "priority": "high"}), encoding="utf-8"
    )

    result = cli("case", "add", "--json", str(source))

    assert result.code == 0, result.err
    case = json.loads(result.out)
    assert REF.match(case["ref"])
    assert case["title"] == "Detention of a journalist"
    assert case["priority"] == "high"
    assert case["status"] == "open"  # the documented default


def test_case_add_from_stdin_stores_the_case(cli, recovery_key):
    result = cli("case", "add", "--json", "-", stdin=json.dumps({"title": "Read from stdin"}))

    assert result.code == 0, result.err
    ref = json.loads(result.out)["ref"]
    assert show(cli, ref)["title"] == "Read from stdin"


def test_case_show_json_returns_the_stored_case(cli, recovery_key):
    added = add(
        cli,
        {
            "title": "Raid on a clinic",
            "people": [{"name": "Mariam Osman", "role": "witness"}],
            "notes": [{"text": "Called back on Monday."}],
        },
    )

    shown = show(cli, added["ref"])

    assert shown == added
    assert shown["people"][0]["name"] == "Mariam Osman"
    assert shown["notes"][0]["author"] == "admin"


def test_case_show_prints_a_readable_summary(cli, recovery_key):
    ref = add(
        cli,
        {
            "title": "Raid on a clinic",
            "people": [{"name": "Mariam Osman", "role": "witness"}],
            "incidents": [{"date": "2026-01-05", "violations": ["arbitrary-detention"]}],
            "notes": [{"text": "Called back on Monday."}],
        },
    )["ref"]

    result = cli("case", "show", ref)

    assert result.code == 0
    assert result.out.startswith(f"{ref}  Raid on a clinic\n")
    assert "Witness: Mariam Osman" in result.out
    assert "Arbitrary detention" in result.out
    assert "Called back on Monday." in result.out


# -- case list ----------------------------------------------------------------------------


@pytest.fixture
def three_cases(cli, recovery_key) -> dict[str, str]:
    """Three cases that differ in every filterable respect; returns title -> ref."""
    specs = [
        {
            "title": "Alpha",
            "status": "open",
            "priority": "high",
            "opened_on": "2025-01-10",
            "location": {"country": "SD"},
            "tags": ["Flood"],
            "assigned": ["admin"],
            "incidents": [{"violations": ["killing"]}],
        },
        {
            "title": "Bravo",
            "status": "closed",
            "priority": "low",
            "opened_on": "2025-05-01",
            "closed_on": "2025-06-01",
            "location": {"country": "UA"},
            "tags": ["winter"],
            "incidents": [{"violations": ["torture-ill-treatment"]}],
        },
        {
            "title": "Charlie",
            "status": "active",
            "priority": "urgent",
            "opened_on": "2025-09-20",
            "location": {"country": "MM"},
            "tags": ["flood", "winter"],
            "incidents": [{"violations": ["arbitrary-detention", "killing"]}],
        },
    ]
    return {spec["title"]: add(cli, spec)["ref"] for spec in specs}


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        ([], {"Alpha", "Bravo", "Charlie"}),
        (["--status", "closed"], {"Bravo"}),
        (["--status", "open", "--status", "active"], {"Alpha", "Charlie"}),
        (["--priority", "urgent"], {"Charlie"}),
        (["--violation", "killing"], {"Alpha", "Charlie"}),
        (["--violation", "torture-ill-treatment"], {"Bravo"}),
        (["--country", "UA"], {"Bravo"}),
        (["--country", "sd"], {"Alpha"}),
        (["--tag", "flood"], {"Alpha", "Charlie"}),
        (["--tag", "winter", "--priority", "low"], {"Bravo"}),
        (["--assigned", "admin"], {"Alpha"}),
        (["--opened-from", "2025-04-01"], {"Bravo", "Charlie"}),
        (["--opened-to", "2025-05-01"], {"Alpha", "Bravo"}),
        (["--opened-from", "2025-04-01", "--opened-to", "2025-06-30"], {"Bravo"}),
    ],
)
def test_case_list_filters(cli, three_cases, filters, expected):
    assert set(listed_titles(cli, "case", "list", *filters)) == expected


def test_case_list_json_lists_newest_opened_first(cli, three_cases):
    result = cli("case", "list", "--json")

    rows = json.loads(result.out)
    assert [row["title"] for row in rows] == ["Charlie", "Bravo", "Alpha"]
    assert [row["ref"] for row in rows] == [three_cases[t] for t in ("Charlie", "Bravo", "Alpha")]


def test_case_list_prints_one_line_per_case(cli, three_cases):
    result = cli("case", "list", "--status", "closed")

    assert result.code == 0
    lines = result.out.splitlines()
    assert len(lines) == 1
    assert lines[0].startswith(three_cases["Bravo"])
    assert lines[0].endswith("Bravo")


def test_case_list_by_an_unknown_user_is_an_error(cli, three_cases):
    result = cli("case", "list", "--assigned", "nobody")

    assert result.code == 1
    assert "assigned[0]" in result.err


# -- case update --------------------------------------------------------------------------


@pytest.fixture
def detailed_case(cli, recovery_key) -> dict[str, Any]:
    return add(
        cli,
        {
            "title": "Arrests after the march",
            "summary": "Three students detained.",
            "priority": "normal",
            "location": {"country": "SD", "region": "Khartoum"},
            "tags": ["students"],
            "people": [
                {"name": "Hassan Ali", "role": "victim", "contact": "+249 000 0000"},
                {"name": "Sara Ahmed", "role": "witness"},
            ],
            "incidents": [
                {
                    "date": "2026-01-05",
                    "violations": ["arbitrary-detention"],
                    "victims": ["Hassan Ali"],
                },
                {"date": "2026-01-06", "violations": ["torture-ill-treatment"]},
            ],
            "notes": [{"text": "First interview done."}],
        },
    )


def without_updated_at(case: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in case.items() if key != "updated_at"}


def test_case_update_changes_only_the_given_keys(cli, detailed_case):
    updated = update(cli, detailed_case["ref"], {"priority": "urgent"})

    assert updated["priority"] == "urgent"
    assert without_updated_at(updated) == without_updated_at(detailed_case) | {"priority": "urgent"}
    assert show(cli, detailed_case["ref"]) == updated


def test_case_update_merges_location_key_by_key(cli, detailed_case):
    updated = update(cli, detailed_case["ref"], {"location": {"locality": "Bahri"}})

    assert updated["location"] == {"country": "SD", "region": "Khartoum", "locality": "Bahri"}


def test_case_update_adds_a_person_an_incident_and_a_note(cli, detailed_case):
    updated = update(
        cli,
        detailed_case["ref"],
        {
            "people": [{"alias": "Nightingale", "role": "source"}],
            "incidents": [
                {
                    "date": "2026-02",
                    "date_precision": "month",
                    "violations": ["threats-harassment"],
                    "victims": ["Nightingale", "Sara Ahmed"],
                }
            ],
            "notes": [{"text": "Source contacted us again.", "confidential": True}],
        },
    )

    assert [p.get("name") or p["alias"] for p in updated["people"]] == [
        "Hassan Ali",
        "Sara Ahmed",
        "Nightingale",
    ]
    added_incident = [i for i in updated["incidents"] if i["date"] == "2026-02"]
    assert len(updated["incidents"]) == 3
    assert added_incident[0]["victims"] == ["Nightingale", "Sara Ahmed"]
    assert [n["text"] for n in updated["notes"]] == [
        "First interview done.",
        "Source contacted us again.",
    ]
    assert updated["notes"][1]["confidential"] is True


def test_case_update_changes_a_person_by_id(cli, detailed_case):
    hassan, sara = detailed_case["people"]

    updated = update(
        cli, detailed_case["ref"], {"people": [{"id": hassan["id"], "name": "Hassan A. Ali"}]}
    )

    assert updated["people"][0] == hassan | {"name": "Hassan A. Ali"}
    assert updated["people"][1] == sara
    # Incidents name the person by their current name.
    assert updated["incidents"][0]["victims"] == ["Hassan A. Ali"]


def test_case_update_removes_an_incident_marked_deleted(cli, detailed_case):
    first, second = detailed_case["incidents"]

    updated = update(
        cli, detailed_case["ref"], {"incidents": [{"id": first["id"], "deleted": True}]}
    )

    assert updated["incidents"] == [second]
    assert show(cli, detailed_case["ref"])["incidents"] == [second]


# -- search -------------------------------------------------------------------------------


@pytest.fixture
def searchable(cli, recovery_key) -> None:
    for data in (
        {
            "title": "Café owners beaten in the old market",
            "incidents": [{"place": "Kassala", "violations": ["physical-assault"]}],
        },
        {
            "title": "Detention at a checkpoint",
            "people": [{"name": "Ахмед Иванов", "alias": "Nightingale", "role": "victim"}],
        },
        {
            "title": "Night arrests",
            "people": [{"name": "إِبْرَاهِيم يوسف", "role": "victim"}],
            "notes": [{"text": "شهد أَحْمَد الاعتقال; bulldozers arrived at dawn"}],
        },
        {
            "title": "Protest dispersed",
            "incidents": [{"place": "ရန်ကုန်", "violations": ["freedom-of-assembly-association"]}],
        },
        {
            "title": "Unrelated land dispute",
            "summary": "A quarrel over a field.",
            "people": [{"name": "John Smith", "role": "witness"}],
            "incidents": [{"place": "မန္တလေး", "violations": ["property-destruction"]}],
            "notes": [{"text": "Nothing else to report."}],
        },
    ):
        add(cli, data)


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        pytest.param("market", "Café owners beaten in the old market", id="title-word"),
        pytest.param("Иванов", "Detention at a checkpoint", id="person-name"),
        pytest.param("nightingale", "Detention at a checkpoint", id="alias"),
        pytest.param("Kassala", "Café owners beaten in the old market", id="place"),
        pytest.param("bulldozers", "Night arrests", id="note-text"),
        pytest.param("cafe", "Café owners beaten in the old market", id="diacritics"),
        pytest.param("احمد", "Night arrests", id="arabic-without-vowels-or-hamza"),
        pytest.param("ابراهيم", "Night arrests", id="arabic-alef-hamza-below"),
        pytest.param("АХМЕД", "Detention at a checkpoint", id="cyrillic-upper"),
        pytest.param("ахмед", "Detention at a checkpoint", id="cyrillic-lower"),
        pytest.param("ရန်ကုန်", "Protest dispersed", id="burmese"),
    ],
)
def test_search_finds_the_case(cli, searchable, query, expected):
    assert listed_titles(cli, "search", query) == [expected]


def test_search_prints_matching_cases_as_lines(cli, searchable):
    result = cli("search", "checkpoint")

    assert result.code == 0
    assert len(result.out.splitlines()) == 1
    assert result.out.rstrip().endswith("Detention at a checkpoint")


def test_search_without_a_match_says_so(cli, searchable):
    result = cli("search", "zanzibar")

    assert result.code == 0
    assert result.out == "No cases found.\n"


# -- history ------------------------------------------------------------------------------


def test_history_shows_who_changed_the_status_from_what_to_what(cli, recovery_key):
    ref = add(cli, {"title": "Status story"})["ref"]
    update(cli, ref, {"status": "closed"})

    result = cli("history", ref)

    assert result.code == 0
    lines = result.out.splitlines()
    status = [index for index, line in enumerate(lines) if "case.status" in line]
    assert len(status) == 2
    assert lines[status[1]] == '  case.status: "open" → "closed"'
    # The change is headed by when and who: the last header line before it.
    header = [line for line in lines[: status[1]] if not line.startswith("  ")][-1]
    assert header.endswith("  admin")


def test_history_json_lists_user_old_and_new_values(cli, recovery_key):
    ref = add(cli, {"title": "Status story"})["ref"]
    update(cli, ref, {"status": "on-hold"})

    result = cli("history", ref, "--json")

    changes = [
        e for e in json.loads(result.out) if e["entity"] == "case" and e["field"] == "status"
    ]
    assert [(e["user"], e["old"], e["new"]) for e in changes] == [
        ("admin", None, "open"),
        ("admin", "open", "on-hold"),
    ]


# -- users --------------------------------------------------------------------------------


def test_added_user_unlocks_with_own_passphrase_and_authors_changes(cli, recovery_key):
    ref = add(cli, {"title": "Shared case"})["ref"]

    added = cli(
        "user", "add", "bob", "--role", "caseworker", env={"HRDESK_NEW_PASSPHRASE": BOB_PASSPHRASE}
    )
    assert added.code == 0, added.err
    assert json.loads(added.out)["role"] == "caseworker"

    as_bob = {"HRDESK_PASSPHRASE": BOB_PASSPHRASE}
    changed = cli("case", "update", ref, "--json", "-", stdin='{"status": "active"}', env=as_bob)
    assert changed.code == 0, changed.err
    history = json.loads(cli("history", ref, "--json", env=as_bob).out)
    status_changes = [(e["user"], e["new"]) for e in history if e["field"] == "status"]
    assert status_changes == [("admin", "open"), ("bob", "active")]


def test_user_list_shows_the_users_and_their_roles(cli, recovery_key):
    cli(
        "user", "add", "bob", "--role", "coordinator", env={"HRDESK_NEW_PASSPHRASE": BOB_PASSPHRASE}
    )

    result = cli("user", "list")

    assert result.code == 0
    assert [(u["name"], u["role"]) for u in json.loads(result.out)] == [
        ("admin", "admin"),
        ("bob", "coordinator"),
    ]


def test_a_caseworker_cannot_add_users(cli, recovery_key, vault_dir):
    cli("user", "add", "bob", "--role", "caseworker", env={"HRDESK_NEW_PASSPHRASE": BOB_PASSPHRASE})
    slots_before = (vault_dir / "keyslots.json").read_bytes()

    result = cli(
        "user",
        "add",
        "carol",
        "--role",
        "admin",
        env={"HRDESK_PASSPHRASE": BOB_PASSPHRASE, "HRDESK_NEW_PASSPHRASE": "carol's passphrase"},
    )

    assert result.code != 0
    assert result.err == "hrdesk: Only an administrator can manage users.\n"
    assert (vault_dir / "keyslots.json").read_bytes() == slots_before
    users = json.loads(cli("user", "list").out)
    assert [u["name"] for u in users] == ["admin", "bob"]


# -- passphrase ---------------------------------------------------------------------------


def test_passphrase_change_replaces_the_old_one_and_leaves_the_database_alone(
    cli, recovery_key, vault_dir
):
    ref = add(cli, {"title": "Before the change"})["ref"]
    database_before = (vault_dir / "hrdesk.db").read_bytes()

    result = cli("passphrase", env={"HRDESK_NEW_PASSPHRASE": NEW_PASSPHRASE})

    assert result.code == 0, result.err
    assert (vault_dir / "hrdesk.db").read_bytes() == database_before
    old = cli("case", "list", env={"HRDESK_PASSPHRASE": PASSPHRASE})
    assert (old.code, old.err) == (2, "hrdesk: Wrong passphrase.\n")
    new = cli("case", "list", env={"HRDESK_PASSPHRASE": NEW_PASSPHRASE})
    assert new.code == 0
    assert ref in new.out


# -- recovery key -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "spelling",
    [
        pytest.param(lambda key: key, id="as-printed"),
        pytest.param(lambda key: key.replace("-", ""), id="no-dashes"),
        pytest.param(lambda key: key.replace("-", " "), id="spaces"),
        pytest.param(lambda key: key.lower(), id="lowercase"),
        pytest.param(lambda key: key.replace("-", "").lower(), id="lowercase-no-dashes"),
    ],
)
def test_recovery_key_unlocks_the_vault(cli, recovery_key, spelling):
    ref = add(cli, {"title": "Reachable by recovery key"})["ref"]

    result = cli(
        "--recovery-key",
        "case",
        "list",
        env={"HRDESK_RECOVERY_KEY": spelling(recovery_key), "HRDESK_PASSPHRASE": "not the one"},
    )

    assert result.code == 0, result.err
    assert result.out.startswith(ref)


# -- check, backup, restore ---------------------------------------------------------------


def test_check_says_a_good_vault_is_sound(cli, recovery_key):
    add(cli, {"title": "Something to check", "people": [{"name": "A", "role": "victim"}]})

    result = cli("check")

    assert result.code == 0
    assert "sound" in result.out


def test_backup_restores_into_a_new_vault_that_is_a_new_device(cli, recovery_key, tmp_path):
    originals = [add(cli, {"title": title})["ref"] for title in ("First", "Second")]
    backup_file = tmp_path / "vault-backup.zip"
    restored = tmp_path / "restored"

    made = cli("backup", str(backup_file))
    assert made.code == 0, made.err
    result = cli("restore", str(backup_file), "--vault", str(restored))

    assert result.code == 0, result.err
    # A repeated top-level --vault wins over the fixture's: act on the restored copy.
    there = ("--vault", str(restored))
    listing = json.loads(cli(*there, "case", "list", "--json").out)
    assert sorted((r["ref"], r["title"]) for r in listing) == sorted(
        zip(originals, ("First", "Second"), strict=True)
    )
    check = cli(*there, "check")
    assert (check.code, "sound" in check.out) == (0, True)
    new_ref = json.loads(
        cli(*there, "case", "add", "--json", "-", stdin='{"title": "After restore"}').out
    )["ref"]
    old_tag = REF.match(originals[0])[2]
    assert REF.match(new_ref)[2] != old_tag
    assert new_ref not in originals
    # Its own sync identity too: two devices signing with one key could not be told apart.
    from hrdesk.store import sync_state, vault
    from tests.conftest import PASSPHRASE

    keys = []
    for path in (tmp_path / "vault", restored):
        opened = vault.unlock(path, PASSPHRASE)
        keys.append(bytes(sync_state.identity(opened.conn).signing_key))
        opened.lock()
    assert keys[0] != keys[1]


# -- export -------------------------------------------------------------------------------


def test_export_json_writes_every_case(cli, recovery_key, tmp_path):
    refs = {add(cli, {"title": f"Case {n}"})["ref"] for n in range(3)}
    dest = tmp_path / "all.json"

    result = cli("export", "json", str(dest))

    assert result.code == 0, result.err
    document = json.loads(dest.read_text(encoding="utf-8"))
    assert document["format"] == "hrdesk-export"
    assert {case["ref"] for case in document["cases"]} == refs
    assert all(case == show(cli, case["ref"]) for case in document["cases"])


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def test_export_csv_writes_four_tables_safe_for_spreadsheets(cli, recovery_key, tmp_path):
    arabic = add(
        cli,
        {
            "title": "اعتقال تعسفي في الخرطوم",
            "people": [{"name": "محمد أحمد", "role": "victim"}],
            "incidents": [
                {
                    "place": "أم درمان",
                    "violations": ["arbitrary-detention"],
                    "victims": ["محمد أحمد"],
                }
            ],
            "notes": [{"text": "تمت المقابلة"}],
        },
    )
    formula = add(cli, {"title": '=HYPERLINK("http://evil.example","click")'})
    dest = tmp_path / "csv"

    result = cli("export", "csv", str(dest))

    assert result.code == 0, result.err
    names = ("cases", "people", "incidents", "notes")
    assert sorted(p.name for p in dest.iterdir()) == sorted(f"{n}.csv" for n in names)
    for name in names:
        assert (dest / f"{name}.csv").read_bytes().startswith(b"\xef\xbb\xbf")
    case_rows = {row["ref"]: row for row in read_csv(dest / "cases.csv")}
    assert case_rows[arabic["ref"]]["title"] == "اعتقال تعسفي في الخرطوم"
    neutralized = case_rows[formula["ref"]]["title"]
    assert not neutralized.startswith("=")
    assert neutralized.lstrip("'") == '=HYPERLINK("http://evil.example","click")'
    assert [r["name"] for r in read_csv(dest / "people.csv")] == ["محمد أحمد"]
    incident = read_csv(dest / "incidents.csv")[0]
    assert (incident["case_ref"], incident["place"], incident["victims"]) == (
        arabic["ref"],
        "أم درمان",
        "محمد أحمد",
    )
    assert [r["text"] for r in read_csv(dest / "notes.csv")] == ["تمت المقابلة"]


def test_sealed_export_hides_the_content_and_unseals_to_the_same_export(
    cli, recovery_key, tmp_path
):
    title = "Unmistakable sealed title 7431"
    ref = add(cli, {"title": title})["ref"]
    dest = tmp_path / "export.json"
    export_env = {"HRDESK_EXPORT_PASSPHRASE": "export passphrase for partners"}

    sealed = cli("export", "json", str(dest), "--encrypt", env=export_env)

    assert sealed.code == 0, sealed.err
    sealed_file = Path(sealed.out.strip())
    assert sealed_file == tmp_path / "export.json.sealed"
    assert not dest.exists()
    assert title.encode() not in sealed_file.read_bytes()
    opened = tmp_path / "opened.json"
    result = cli("unseal", str(sealed_file), str(opened), env=export_env)
    assert result.code == 0, result.err
    cases_out = json.loads(opened.read_text(encoding="utf-8"))["cases"]
    assert [(c["ref"], c["title"]) for c in cases_out] == [(ref, title)]


# -- the real program ---------------------------------------------------------------------


def test_the_installed_program_lists_cases(created, vault_dir):
    ref = cases.add_case(created.session, {"title": "Seen from a child process"})["ref"]
    created.session.lock()

    result = run_subprocess(
        ["--vault", str(vault_dir), "case", "list"], {"HRDESK_PASSPHRASE": PASSPHRASE}
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith(ref)
    assert "Seen from a child process" in result.stdout
    assert result.stderr == ""


# -- demo (its data module is being written separately) -----------------------------------


def test_demo_adds_the_requested_number_of_cases(cli, recovery_key):
    before = len(listed_titles(cli, "case", "list"))

    result = cli("demo", "--cases", "30", "--seed", "1")

    assert result.code == 0, result.err
    assert "Added 30 demo cases." in result.out
    assert len(listed_titles(cli, "case", "list")) == before + 30


def test_demo_with_the_same_seed_writes_the_same_titles(cli, recovery_key, tmp_path):
    other = tmp_path / "other-vault"
    there = ("--vault", str(other))
    assert cli(*there, "init", env={"HRDESK_NEW_PASSPHRASE": PASSPHRASE}).code == 0

    assert cli("demo", "--cases", "30", "--seed", "1").code == 0
    assert cli(*there, "demo", "--cases", "30", "--seed", "1").code == 0

    here_titles = listed_titles(cli, "case", "list")
    there_titles = listed_titles(cli, *there, "case", "list")
    assert len(here_titles) == 30
    assert Counter(here_titles) == Counter(there_titles)
