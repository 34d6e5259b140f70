"""The argument grammar of the ``hrdesk`` command (help texts are translatable)."""

from __future__ import annotations

import argparse

from hrdesk import cli_support, cli_sync
from hrdesk.cli_parser_types import date_argument, json_input, json_output
from hrdesk.core import vocab
from hrdesk.i18n import _


def _add_filters(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group(_("filters (repeat an option to allow several values)"))
    group.add_argument("--status", action="append", choices=vocab.slugs("case-status"))
    group.add_argument("--priority", action="append", choices=vocab.slugs("priority"))
    group.add_argument("--violation", action="append", choices=vocab.slugs("violation"))
    group.add_argument("--country", action="append", help=_("ISO 3166 code, e.g. SD"))
    group.add_argument("--tag", action="append")
    group.add_argument("--assigned", action="append", help=_("user name"))
    group.add_argument("--opened-from", metavar="YYYY-MM-DD", type=date_argument)
    group.add_argument("--opened-to", metavar="YYYY-MM-DD", type=date_argument)
    parser.add_argument("--limit", type=int, default=50)
    json_output(parser)


def _dossier_options(parser: argparse.ArgumentParser) -> None:
    from hrdesk.dossier.profiles import PROFILES

    parser.add_argument(
        "--profile",
        choices=PROFILES,
        default="legal",
        help=_("who it is for: what is shown, pseudonymized or withheld (default: legal)"),
    )
    parser.add_argument("--lang", dest="dossier_lang", metavar="CODE", help=_("dossier language"))
    parser.add_argument(
        "--password-file",
        metavar="FILE",
        help=_("protect with the password in this file (AES-256); '-' reads standard input"),
    )


def _add_dossier_parsers(export_sub) -> None:
    one = export_sub.add_parser("dossier", help=_("one case as a PDF dossier"))
    one.add_argument("ref", help=_("case reference"))
    one.add_argument("--out", required=True, metavar="FILE.pdf")
    _dossier_options(one)
    many = export_sub.add_parser(
        "dossiers", help=_("many cases as PDF dossiers, with a manifest of SHA-256 sums")
    )
    many.add_argument("--refs", nargs="+", metavar="REF", help=_("these cases (else: filters)"))
    many.add_argument("--out", required=True, metavar="DIR")
    _dossier_options(many)
    _add_filters(many)


def build(version: str) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="hrdesk",
        description=_("Encrypted case management for human-rights organizations."),
    )
    parser.add_argument("--version", action="version", version=f"hrdesk {version}")
    parser.add_argument(
        "--vault", metavar="DIR", help=_("vault folder (default: your user data folder)")
    )
    parser.add_argument(
        "--recovery-key",
        action="store_true",
        help=_("unlock with the recovery key (from HRDESK_RECOVERY_KEY or a prompt)"),
    )
    parser.add_argument("--user", help=_("with --recovery-key: act as this user"))
    parser.add_argument(
        "--lang", metavar="CODE", help=_("language of the interface (e.g. fr, ar, pt_BR)")
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sub.add_parser("gui", help=_("start the desktop app (the default with no command)"))
    i18n = sub.add_parser("i18n", help=_("translations: how complete and correct each one is"))
    i18n_sub = i18n.add_subparsers(dest="i18n_command", metavar="ACTION", required=True)
    i18n_sub.add_parser("status", help=_("per language: percent translated, fuzzy, errors"))

    init = sub.add_parser("init", help=_("create a new vault"))
    init.add_argument("--org", default=_("My organization"))
    init.add_argument("--user", dest="user", default="admin", help=_("first (admin) user"))

    case = sub.add_parser("case", help=_("add, show, list and update cases"))
    case_sub = case.add_subparsers(dest="case_command", metavar="ACTION", required=True)
    add = case_sub.add_parser("add", help=_("add a case from JSON"))
    json_input(add)
    show = case_sub.add_parser("show", help=_("show one case"))
    show.add_argument("ref")
    json_output(show)
    listing = case_sub.add_parser("list", help=_("list cases"))
    _add_filters(listing)
    listing.add_argument("--offset", type=int, default=0)
    update = case_sub.add_parser("update", help=_("change a case with partial JSON"))
    update.add_argument("ref")
    json_input(update)

    search = sub.add_parser("search", help=_("full-text search"))
    search.add_argument("query")
    _add_filters(search)

    history = sub.add_parser("history", help=_("who changed what in a case"))
    history.add_argument("ref")
    json_output(history)

    user = sub.add_parser("user", help=_("users of this vault"))
    user_sub = user.add_subparsers(dest="user_command", metavar="ACTION", required=True)
    user_add = user_sub.add_parser("add", help=_("add a user (administrators only)"))
    user_add.add_argument("name")
    user_add.add_argument("--role", required=True, choices=vocab.slugs("user-role"))
    user_sub.add_parser("list", help=_("list users"))
    user_reset = user_sub.add_parser(
        "passphrase", help=_("set a new passphrase for another user (administrators only)")
    )
    user_reset.add_argument("name")

    sub.add_parser("passphrase", help=_("change your passphrase"))
    check = sub.add_parser("check", help=_("verify database, op-log chain and stored data"))
    check.add_argument(
        "--repair",
        action="store_true",
        help=_("remove evidence files an interrupted intake or deletion left without a record"),
    )

    backup = sub.add_parser("backup", help=_("write an encrypted one-file backup"))
    backup.add_argument("file")
    restore = sub.add_parser("restore", help=_("restore a backup into a new vault folder"))
    restore.add_argument("file")
    restore.add_argument("--vault", required=True, metavar="DIR", help=_("new vault folder"))

    export = sub.add_parser("export", help=_("export cases as data, or as PDF dossiers"))
    export_sub = export.add_subparsers(dest="format", metavar="FORMAT", required=True)
    for name, dest_help in (
        ("json", _("file to write")),
        ("csv", _("folder to write")),
    ):
        data = export_sub.add_parser(name, help=_("all cases (plaintext unless --encrypt)"))
        data.add_argument("dest", help=dest_help)
        data.add_argument(
            "--encrypt",
            action="store_true",
            help=_("seal with a passphrase (HRDESK_EXPORT_PASSPHRASE)"),
        )
    _add_dossier_parsers(export_sub)
    unseal = sub.add_parser("unseal", help=_("decrypt a sealed export"))
    unseal.add_argument("file")
    unseal.add_argument("output")

    cli_support.add_parsers(sub)
    cli_sync.add_parsers(sub)

    demo = sub.add_parser("demo", help=_("fill a vault with synthetic demo cases"))
    demo.add_argument("--cases", type=int, default=200)
    demo.add_argument("--seed", type=int, default=0)
    return parser
