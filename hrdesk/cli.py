"""The ``hrdesk`` command line: the same services the GUI uses.

Passphrases come from ``HRDESK_PASSPHRASE`` (or ``HRDESK_NEW_PASSPHRASE``,
``HRDESK_EXPORT_PASSPHRASE``, ``HRDESK_RECOVERY_KEY``) or from a prompt that
does not echo; never from a command-line argument, which other users of the
machine can see in the process list.
"""

from __future__ import annotations

import argparse
import getpass
import os
import sys
from pathlib import Path
from typing import Any

from hrdesk import __version__, cli_support, cli_sync
from hrdesk.cli_output import print_case, print_history, print_json, print_list
from hrdesk.core import safeinput
from hrdesk.core.errors import HrdeskError
from hrdesk.core.process import disable_core_dumps
from hrdesk.i18n import _, argparse_strings, ngettext, set_language
from hrdesk.i18n.formatting import format_number
from hrdesk.services import cases, export, users
from hrdesk.store import backup, integrity, vault
from hrdesk.store.connection import DatabaseError
from hrdesk.store.connection import user_error as database_error
from hrdesk.store.queries import CaseFilter


class CliError(HrdeskError):
    pass


def _secret(env: str, prompt: str, confirm: bool = False) -> str:
    value = os.environ.get(env)
    if value is not None:
        return value
    if not sys.stdin.isatty():
        raise CliError(_("No passphrase given: set {env} or run in a terminal.").format(env=env))
    first = getpass.getpass(prompt)
    if confirm and getpass.getpass(_("Repeat: ")) != first:
        raise CliError(_("The two entries differ."))
    return first


def _read_json(source: str) -> Any:
    return safeinput.read_json(source)


def _open(args: argparse.Namespace) -> vault.Session:
    if args.recovery_key:
        key = _secret("HRDESK_RECOVERY_KEY", _("Recovery key: "))
        return vault.unlock_with_recovery_key(args.vault, key, args.user)
    vault.check_is_vault(args.vault)  # before the prompt: no passphrase asked for nothing
    return vault.unlock(args.vault, _secret("HRDESK_PASSPHRASE", _("Passphrase: ")))


def _filters(args: argparse.Namespace, session: vault.Session) -> CaseFilter:
    filters = CaseFilter(
        status=args.status or [],
        priority=args.priority or [],
        violation=args.violation or [],
        country=args.country or [],
        tag=args.tag or [],
        opened_from=args.opened_from,
        opened_to=args.opened_to,
    )
    return cases.resolve_filter(session, filters, args.assigned or [])


def cmd_init(args: argparse.Namespace) -> int:
    passphrase = _secret("HRDESK_NEW_PASSPHRASE", _("New passphrase: "), confirm=True)
    created = vault.create_vault(args.vault, passphrase, args.org, args.user)
    created.session.lock()
    print(_("Vault created in {path}.").format(path=args.vault))
    print(_("Recovery key: {key}").format(key=created.recovery_key))
    print(
        _(
            "Write the recovery key down and keep it somewhere safe, away from this computer. "
            "It is shown only once. Anyone who has it can read the vault; without it, a "
            "forgotten passphrase means the data is lost."
        )
    )
    return 0


def cmd_case(args: argparse.Namespace, session: vault.Session) -> int:
    if args.case_command == "add":
        case = cases.add_case(session, _read_json(args.json))
        print_json(case)
    elif args.case_command == "update":
        case = cases.update_case(session, args.ref, _read_json(args.json))
        print_json(case)
    elif args.case_command == "show":
        case = cases.show_case(session, args.ref)
        print_json(case) if args.as_json else print_case(case)
    else:
        found = cases.list_cases(session, _filters(args, session), args.limit, args.offset)
        print_json(found) if args.as_json else print_list(found)
    return 0


def cmd_search(args: argparse.Namespace, session: vault.Session) -> int:
    found = cases.search(session, args.query, _filters(args, session), args.limit)
    print_json(found) if args.as_json else print_list(found)
    return 0


def cmd_history(args: argparse.Namespace, session: vault.Session) -> int:
    entries = cases.history(session, args.ref)
    print_json(entries) if args.as_json else print_history(entries)
    return 0


def cmd_user(args: argparse.Namespace, session: vault.Session) -> int:
    if args.user_command == "add":
        prompt = _("Passphrase for {name}: ").format(name=args.name)
        passphrase = _secret("HRDESK_NEW_PASSPHRASE", prompt, confirm=True)
        print_json(users.add_user(session, args.name, args.role, passphrase))
    elif args.user_command == "passphrase":
        prompt = _("New passphrase for {name}: ").format(name=args.name)
        users.reset_passphrase(
            session, args.name, _secret("HRDESK_NEW_PASSPHRASE", prompt, confirm=True)
        )
        print(_("Passphrase of {name} changed.").format(name=args.name))
        _warn_missing_passphrases(session)
    else:
        print_json(users.list_users(session))
    return 0


def _warn_missing_passphrases(session: vault.Session) -> None:
    missing = users.users_without_passphrase(session)
    if missing:
        print(
            _(
                "These users cannot unlock the vault until an administrator sets a new "
                "passphrase for them with “hrdesk user passphrase NAME”: {names}"
            ).format(names=", ".join(missing)),
            file=sys.stderr,
        )


def cmd_passphrase(args: argparse.Namespace, session: vault.Session) -> int:
    new = _secret("HRDESK_NEW_PASSPHRASE", _("New passphrase: "), confirm=True)
    users.change_passphrase(session, new)
    print(_("Passphrase changed."))
    _warn_missing_passphrases(session)
    return 0


def cmd_check(args: argparse.Namespace, session: vault.Session) -> int:
    report = integrity.examine(session, repair=args.repair)
    for line in report.problems + report.notices:
        print(line)
    if report.problems:
        return 1
    print(_("The vault is sound."))
    return 0


def cmd_backup(args: argparse.Namespace, session: vault.Session) -> int:
    manifest = backup.backup(session, args.file)
    count = len(manifest["files"])  # type: ignore[arg-type]
    print(
        ngettext(
            "Backup written to {path} ({count} file).",
            "Backup written to {path} ({count} files).",
            count,
        ).format(path=args.file, count=count)
    )
    return 0


def cmd_restore(args: argparse.Namespace) -> int:
    staging = backup.extract(args.file, args.vault)
    try:
        if args.recovery_key:
            key = _secret("HRDESK_RECOVERY_KEY", _("Recovery key: "))
            session = vault.unlock_with_recovery_key(staging, key, args.user)
        else:
            session = vault.unlock(staging, _secret("HRDESK_PASSPHRASE", _("Passphrase: ")))
        with session:
            backup.become_new_device(session)
        backup.commit_restore(staging, args.vault)
    except BaseException:
        backup.abandon_restore(staging)
        raise
    print(_("Vault restored in {path}.").format(path=args.vault))
    return 0


def cmd_export(args: argparse.Namespace, session: vault.Session) -> int:
    if args.format in ("dossier", "dossiers"):
        from hrdesk.cli_dossier import cmd_dossier

        return cmd_dossier(args, session, _filters)
    passphrase = None
    if args.encrypt:
        passphrase = _secret("HRDESK_EXPORT_PASSPHRASE", _("Passphrase for the export: "), True)
    if args.format == "json":
        written = [export.export_json(session, Path(args.dest), passphrase)]
    else:
        written = export.export_csv(session, Path(args.dest), passphrase)
    for path in written:
        print(path)
    return 0


def cmd_unseal(args: argparse.Namespace) -> int:
    passphrase = _secret("HRDESK_EXPORT_PASSPHRASE", _("Passphrase of the sealed file: "))
    export.unseal_file(Path(args.file), Path(args.output), passphrase)
    print(args.output)
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    from hrdesk.services import demo

    if not (Path(args.vault) / vault.DB_NAME).exists():
        passphrase = _secret("HRDESK_PASSPHRASE", _("New passphrase for the demo vault: "), True)
        created = vault.create_vault(args.vault, passphrase, _("Demo organization"), "demo")
        print(_("Demo vault created in {path}.").format(path=args.vault))
        print(_("Recovery key: {key}").format(key=created.recovery_key))
        session = created.session
    else:
        session = _open(args)

    def progress(done: int, total: int) -> None:
        print(_("{done} of {total} cases…").format(done=done, total=total), file=sys.stderr)

    with session:
        added = demo.fill(session, args.cases, args.seed, progress if args.cases >= 1000 else None)
        print(
            ngettext("Added {count} demo case.", "Added {count} demo cases.", added).format(
                count=added
            )
        )
        for case in cases.list_cases(session, CaseFilter(), limit=5):
            print(f"  {case['ref']}  {case['title']}")
        print(_("Try: hrdesk --vault {path} case list").format(path=args.vault))
    return 0


def _early_language(argv: list[str]) -> list[str] | None:
    """--lang CODE (or --lang=CODE) before the command, else HRDESK_LANG; None means the
    environment's. After the command, --lang is that command's own (a dossier's language)."""
    index = 0
    while index < len(argv):
        arg = argv[index]
        if arg == "--lang" and index + 1 < len(argv):
            return [argv[index + 1]]
        if arg.startswith("--lang="):
            return [arg.split("=", 1)[1]]
        if arg in ("--vault", "--user"):
            index += 1  # skip the option's value
        elif not arg.startswith("-"):
            break  # the command: what follows is its own
        index += 1
    env = os.environ.get("HRDESK_LANG")
    return [env] if env else None


def cmd_i18n(args: argparse.Namespace) -> int:
    from hrdesk.i18n.status import all_reports

    reports = all_reports()
    failed = False
    for report in reports:
        print(
            _("{language}: {percent}% translated ({done} of {total}), {fuzzy} fuzzy").format(
                language=report.language,
                percent=format_number(round(report.percent, 1)),
                done=report.translated,
                total=report.total,
                fuzzy=report.fuzzy,
            )
        )
        for error in report.errors:
            print(_("  error: {error}").format(error=error))
        failed = failed or bool(report.errors)
    if not reports:
        print(_("No translations found."))
    return 1 if failed else 0


def main(argv: list[str] | None = None) -> int:
    disable_core_dumps()  # first: nothing secret may reach a core file
    # The language is needed before the parser exists: its help texts are translated.
    set_language(_early_language(sys.argv[1:] if argv is None else argv))
    argparse_strings.install()
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command == "i18n":
        return cmd_i18n(args)
    if args.command in (None, "gui"):
        from hrdesk.gui.app import run  # Qt is loaded only for the desktop app

        return run(Path(args.vault) if args.vault else vault.default_vault_path(), args.lang)
    if args.vault:
        args.vault = Path(args.vault)
    elif args.command == "demo":
        # Synthetic data never goes into the real vault by default.
        args.vault = vault.default_vault_path().with_name("demo-vault")
    else:
        args.vault = vault.default_vault_path()
    try:
        if args.command in ("init", "restore", "unseal", "demo"):
            return {
                "init": cmd_init,
                "restore": cmd_restore,
                "unseal": cmd_unseal,
                "demo": cmd_demo,
            }[args.command](args)
        with _open(args) as session:
            if args.command in cli_support.COMMANDS:
                return cli_support.COMMANDS[args.command](args, session, _read_json)
            if args.command in cli_sync.COMMANDS:
                return cli_sync.COMMANDS[args.command](args, session, _read_json)
            return COMMANDS[args.command](args, session)
    except HrdeskError as err:
        if os.environ.get("HRDESK_DEBUG") and err.__cause__ is not None:
            raise  # the underlying error (a database's, the disk's) behind the message
        print(_("hrdesk: {message}").format(message=err), file=sys.stderr)
        return err.exit_code
    except KeyboardInterrupt:
        print(_("hrdesk: interrupted"), file=sys.stderr)
        return 130
    except BrokenPipeError:
        # Output piped into `head` and closed early: not an error for the user.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except DatabaseError as exc:
        if os.environ.get("HRDESK_DEBUG"):
            raise
        err = database_error(exc)
        print(_("hrdesk: {message}").format(message=err), file=sys.stderr)
        return err.exit_code
    except Exception as exc:
        if os.environ.get("HRDESK_DEBUG"):
            raise
        # A traceback can quote data from the vault: only the error's type is shown.
        print(
            _(
                "hrdesk: unexpected error ({kind}). Nothing more is shown, to protect "
                "sensitive data; set HRDESK_DEBUG=1 to see the details."
            ).format(kind=type(exc).__name__),
            file=sys.stderr,
        )
        return 70


COMMANDS = {
    "case": cmd_case,
    "search": cmd_search,
    "history": cmd_history,
    "user": cmd_user,
    "passphrase": cmd_passphrase,
    "check": cmd_check,
    "backup": cmd_backup,
    "export": cmd_export,
}


def build_parser() -> argparse.ArgumentParser:
    from hrdesk.cli_parser import build

    return build(__version__)
