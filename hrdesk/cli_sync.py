"""``hrdesk sync``, ``hrdesk device`` and ``hrdesk conflicts`` on the command line.

Secrets (a WebDAV password, an S3 secret key) come from ``HRDESK_SYNC_PASSWORD``
/ ``HRDESK_SYNC_SECRET_KEY`` or a prompt, never from the command line.
"""

from __future__ import annotations

import argparse
import getpass
import json
import os
import sys
from pathlib import Path
from typing import Any

from hrdesk.cli_output import print_json
from hrdesk.cli_parser_types import json_output
from hrdesk.core import safeinput
from hrdesk.core.errors import HrdeskError
from hrdesk.i18n import _, ngettext
from hrdesk.i18n.formatting import format_number, format_timestamp_ms
from hrdesk.services import conflicts, sync
from hrdesk.store.atomic import write_atomic
from hrdesk.store.vault import Session

SECRETS = {"password": "HRDESK_SYNC_PASSWORD", "secret_key": "HRDESK_SYNC_SECRET_KEY"}


def add_parsers(sub: argparse._SubParsersAction) -> None:
    run = sub.add_parser(
        "sync", help=_("send and receive changes through the shared place (set up first)")
    )
    json_output(run)
    actions = run.add_subparsers(dest="sync_command", metavar="ACTION")
    setup = actions.add_parser("setup", help=_("choose the shared place (administrators)"))
    setup.add_argument(
        "--remote",
        required=True,
        metavar="URL",
        help=_("folder:///path, webdavs://host/path or s3://bucket/prefix"),
    )
    setup.add_argument("--username", help=_("WebDAV user (password: HRDESK_SYNC_PASSWORD)"))
    setup.add_argument("--endpoint", help=_("S3 endpoint URL, e.g. https://minio.example.org"))
    setup.add_argument("--region", help=_("S3 region (default us-east-1)"))
    setup.add_argument("--access-key", help=_("S3 access key (secret key: HRDESK_SYNC_SECRET_KEY)"))
    setup.add_argument("--label", default=None, help=_("a name for this device"))
    status = actions.add_parser(
        "status", help=_("the shared place, the last sync, and what waits to be sent")
    )
    json_output(status)

    device = sub.add_parser("device", help=_("devices allowed to sync, and joining"))
    d_actions = device.add_subparsers(dest="device_command", metavar="ACTION", required=True)
    join = d_actions.add_parser("join", help=_("on a new device: make a request, then accept"))
    how = join.add_mutually_exclusive_group(required=True)
    how.add_argument("--request", metavar="FILE", help=_("write a join request to FILE"))
    how.add_argument("--accept", metavar="FILE", help=_("accept the enrollment FILE"))
    join.add_argument("--label", help=_("a name for this device"))
    enroll = d_actions.add_parser("enroll", help=_("let a new device join (administrators)"))
    enroll.add_argument("request", metavar="REQUEST", help=_("the join request file"))
    enroll.add_argument("--out", required=True, metavar="FILE", help=_("the enrollment file"))
    enroll.add_argument("--code", help=_("the safety code shown on the new device"))
    enroll.add_argument("--admin", action="store_true", help=_("it may manage devices too"))
    listing = d_actions.add_parser("list", help=_("enrolled and revoked devices"))
    json_output(listing)
    revoke = d_actions.add_parser("revoke", help=_("shut out a lost or retired device"))
    revoke.add_argument("device_id", metavar="DEVICE")

    found = sub.add_parser("conflicts", help=_("edits made at the same time on two devices"))
    json_output(found)
    found.add_argument("--case", metavar="REF", help=_("only this case"))
    c_actions = found.add_subparsers(dest="conflicts_command", metavar="ACTION")
    resolve = c_actions.add_parser("resolve", help=_("settle one conflict"))
    resolve.add_argument("entity_id", metavar="RECORD")
    resolve.add_argument("field", metavar="FIELD")
    choice = resolve.add_mutually_exclusive_group(required=True)
    choice.add_argument("--keep", metavar="VERSION", help=_("the version id to keep"))
    choice.add_argument("--value", metavar="JSON", help=_("a new value, as JSON"))


def _secret(env: str, prompt: str) -> str:
    value = os.environ.get(env)
    if value is not None:
        return value
    if not sys.stdin.isatty():
        raise HrdeskError(
            _("No password or secret key given: set {env} or run in a terminal.").format(env=env)
        )
    return getpass.getpass(prompt)


def _read(path: str) -> bytes:
    return safeinput.read_bytes(path)


def _when(iso: str | None) -> str:
    if not iso:
        return _("never")
    import datetime as dt

    moment = dt.datetime.fromisoformat(iso)
    return format_timestamp_ms(int(moment.timestamp() * 1000))


def cmd_sync(args: argparse.Namespace, session: Session, _read_json: Any) -> int:
    if args.sync_command == "setup":
        options = {
            key: value
            for key, value in (
                ("username", args.username),
                ("endpoint", args.endpoint),
                ("region", args.region),
                ("access_key", args.access_key),
            )
            if value
        }
        if args.username:
            options["password"] = _secret(SECRETS["password"], _("WebDAV password: "))
        if args.remote.startswith("s3:"):
            options["secret_key"] = _secret(SECRETS["secret_key"], _("S3 secret key: "))
        label = args.label or _("first device")
        _print_status(sync.setup(session, args.remote, options, label), False)
        return 0
    if args.sync_command == "status":
        _print_status(sync.status(session), args.as_json)
        return 0

    def progress(done: int, total: int) -> None:
        if sys.stderr.isatty():
            print(_("{done}/{total}").format(done=done, total=total), end="\r", file=sys.stderr)

    result = sync.run(session, progress)
    if args.as_json:
        print_json(result.as_json())
    else:
        for line in result.summary():
            print(line)
        if result.conflicts:
            print(
                ngettext(
                    "{count} conflict to settle: see hrdesk conflicts.",
                    "{count} conflicts to settle: see hrdesk conflicts.",
                    result.conflicts,
                ).format(count=result.conflicts)
            )
        for problem in result.problems:
            print(_("Problem: {problem}").format(problem=problem), file=sys.stderr)
    return 3 if result.problems else 0


def _print_status(status: dict[str, Any], as_json: bool) -> None:
    if as_json:
        print_json(status)
        return
    if not status["set_up"]:
        print(_("Sync is not set up for this vault."))
    else:
        print(_("Shared place: {remote}").format(remote=status["remote"]))
        print(_("Last sync: {when}").format(when=_when(status["last_sync"])))
        if status["last_error"]:
            print(_("Last problem: {error}").format(error=status["last_error"]))
        print(
            _("Changes not sent yet: {count}").format(count=format_number(status["unsent_changes"]))
        )
        print(_("Conflicts: {count}").format(count=format_number(status["conflicts"])))
        print(_("Devices: {count}").format(count=format_number(status["devices"])))
    print(_("This device's safety code: {code}").format(code=status["code"]))


def cmd_device(args: argparse.Namespace, session: Session, _read_json: Any) -> int:
    if args.device_command == "join" and args.request:
        data, code = sync.join_request(session, args.label or _("new device"))
        write_atomic(Path(args.request), data)
        print(_("Join request written to {path}.").format(path=args.request))
        print(_("This device's safety code: {code}").format(code=code))
        print(_("Give the file to an administrator and read them this code to compare."))
        return 0
    if args.device_command == "join":
        info = sync.join(session, _read(args.accept))
        print(_("Joined. Run hrdesk sync to receive the organization's cases."))
        print(
            _(
                "The safety code of the administrator's device is {code}: check it with them."
            ).format(code=info["admin_code"])
        )
        return 0
    if args.device_command == "enroll":
        data = _read(args.request)
        request = sync.read_request(data)
        expected = args.code
        if expected is None:
            if not sys.stdin.isatty():
                raise HrdeskError(_("Give the safety code shown on the new device with --code."))
            print(_("Request from {label}.").format(label=request["label"]))
            expected = input(_("Safety code shown on the new device: "))
        if "".join(expected.split()) != "".join(request["code"].split()):
            raise HrdeskError(
                _("The safety codes differ: this request may not come from that device.")
            )
        enrollment, info = sync.enroll(session, data, admin=args.admin)
        write_atomic(Path(args.out), enrollment)
        print(
            _("{label} enrolled. Enrollment file written to {path}.").format(
                label=info["label"], path=args.out
            )
        )
        return 0
    if args.device_command == "list":
        found = sync.list_devices(session)
        if args.as_json:
            print_json(found)
            return 0
        for item in found:
            marks = []
            if item["this_device"]:
                marks.append(_("this device"))
            if item["admin"]:
                marks.append(_("manages devices"))
            if item["revoked_at"]:
                marks.append(_("revoked"))
            print(
                _("{device}  {label}  [{marks}]  code {code}").format(
                    device=item["device_id"],
                    label=item["label"],
                    marks=", ".join(marks),
                    code=item["code"],
                )
            )
        return 0
    epoch = sync.revoke(session, args.device_id)
    print(
        _("Device revoked; a new sync key (number {epoch}) is used from now on.").format(
            epoch=epoch
        )
    )
    return 0


def cmd_conflicts(args: argparse.Namespace, session: Session, _read_json: Any) -> int:
    if args.conflicts_command == "resolve":
        value = None
        if args.value is not None:
            try:
                value = safeinput.parse_json(args.value, "--value")
            except safeinput.JsonSyntaxError as exc:
                raise HrdeskError(_("--value must be JSON, e.g. '\"text\"' or true.")) from exc
        conflicts.resolve(session, args.entity_id, args.field, args.keep, value)
        print(_("Settled."))
        return 0
    found = conflicts.list_conflicts(session, args.case)
    if args.as_json:
        print_json(found)
        return 0
    if not found:
        print(_("No conflicts."))
    for item in found:
        print(
            _("{ref} {entity} {record} · {field}").format(
                ref=item["case_ref"] or "-",
                entity=item["entity"],
                record=item["entity_id"],
                field=item["field"],
            )
        )
        for version in item["versions"]:
            print(
                _("  [{version}] {value} ({user})").format(
                    version=version["op_id"],
                    value=json.dumps(version["value"], ensure_ascii=False),
                    user=version["user"],
                )
            )
        for edit in item.get("edits", []):
            print(
                _("  edited meanwhile: {field} = {value} ({user})").format(
                    field=edit["field"],
                    value=json.dumps(edit["value"], ensure_ascii=False),
                    user=edit["user"],
                )
            )
    return 0


COMMANDS = {"sync": cmd_sync, "device": cmd_device, "conflicts": cmd_conflicts}
