"""``hrdesk service|provider|followup|followups``: support services on the command line."""

from __future__ import annotations

import argparse
import datetime as dt
from pathlib import Path

from hrdesk.cli_output import print_json
from hrdesk.cli_parser_types import date_argument, json_input, json_output
from hrdesk.core import importmap, vocab
from hrdesk.i18n import _, ngettext
from hrdesk.i18n.formatting import format_date, format_size
from hrdesk.services import consent, evidence, importer, support
from hrdesk.store.vault import Session


def add_parsers(sub: argparse._SubParsersAction) -> None:
    service = sub.add_parser("service", help=_("support services given or arranged"))
    actions = service.add_subparsers(dest="service_command", metavar="ACTION", required=True)
    add = actions.add_parser("add", help=_("add a service to a case from JSON"))
    add.add_argument("ref")
    json_input(add)
    update = actions.add_parser("update", help=_("change a service (status, outcome…)"))
    update.add_argument("id")
    json_input(update)
    listing = actions.add_parser("list", help=_("list services"))
    listing.add_argument("--status", action="append", choices=vocab.slugs("service-status"))
    listing.add_argument("--type", action="append", choices=vocab.slugs("service-type"))
    listing.add_argument("--limit", type=int, default=100)
    json_output(listing)

    referral = sub.add_parser("referral", help=_("hand services to partner organizations"))
    r_actions = referral.add_subparsers(dest="referral_command", metavar="ACTION", required=True)
    r_make = r_actions.add_parser(
        "make", help=_("refer a service to a provider (needs consent, or --override)")
    )
    r_make.add_argument("id", help=_("service id"))
    r_make.add_argument("--provider", required=True, help=_("name in the provider directory"))
    r_make.add_argument("--override", metavar="REASON", help=_("why consent could not be had"))
    r_list = r_actions.add_parser("list", help=_("services referred out, and their answers"))
    json_output(r_list)

    provider = sub.add_parser("provider", help=_("the directory of partner organizations"))
    p_actions = provider.add_subparsers(dest="provider_command", metavar="ACTION", required=True)
    p_add = p_actions.add_parser("add", help=_("add a provider from JSON"))
    json_input(p_add)
    p_list = p_actions.add_parser("list", help=_("list providers"))
    json_output(p_list)

    followup = sub.add_parser("followup", help=_("add or complete a follow-up"))
    f_actions = followup.add_subparsers(dest="followup_command", metavar="ACTION", required=True)
    f_add = f_actions.add_parser("add", help=_("add a follow-up to a case from JSON"))
    f_add.add_argument("ref")
    json_input(f_add)
    f_done = f_actions.add_parser("done", help=_("mark a follow-up as done"))
    f_done.add_argument("id")

    attach = sub.add_parser("attach", help=_("add an evidence file to a case (encrypted)"))
    attach.add_argument("ref")
    attach.add_argument("file")
    attach.add_argument("--description")
    attach.add_argument("--source", help=_("from whom it was received"))
    attach.add_argument("--obtained-on", type=date_argument, metavar="YYYY-MM-DD")
    attachment = sub.add_parser("attachment", help=_("evidence files: list, export, verify"))
    a_actions = attachment.add_subparsers(
        dest="attachment_command", metavar="ACTION", required=True
    )
    a_list = a_actions.add_parser("list", help=_("attachments of a case, with custody"))
    a_list.add_argument("ref")
    json_output(a_list)
    a_export = a_actions.add_parser("export", help=_("decrypt an attachment to a file"))
    a_export.add_argument("id")
    a_export.add_argument("dest")
    a_export.add_argument("--note", help=_("why, or for whom (kept in custody)"))
    a_verify = a_actions.add_parser("verify", help=_("re-verify one attachment, or all"))
    a_verify.add_argument("id", nargs="?")
    a_delete = a_actions.add_parser("delete", help=_("remove an attachment and erase its file"))
    a_delete.add_argument("id")
    a_delete.add_argument("--reason", required=True)

    importing = sub.add_parser(
        "import", help=_("import cases from CSV, XLSX or an hrdesk JSON export")
    )
    importing.add_argument("file")
    importing.add_argument("--mapping", metavar="FILE", help=_("column mapping (JSON)"))
    importing.add_argument(
        "--dry-run", action="store_true", help=_("check and report, write nothing")
    )
    json_output(importing)

    consent = sub.add_parser("consent", help=_("what a person agreed to, and withdrawal"))
    c_actions = consent.add_subparsers(dest="consent_command", metavar="ACTION", required=True)
    c_add = c_actions.add_parser("add", help=_("record a consent (or a refusal)"))
    c_add.add_argument("ref")
    c_add.add_argument("--person", required=True, help=_("name or alias in the case"))
    c_add.add_argument("--scope", required=True, choices=vocab.slugs("consent-scope"))
    c_add.add_argument("--refused", action="store_true", help=_("record a refusal"))
    c_add.add_argument("--date", type=date_argument, metavar="YYYY-MM-DD")
    c_add.add_argument("--note", help=_("how consent was obtained"))
    c_withdraw = c_actions.add_parser("withdraw", help=_("record that a consent was withdrawn"))
    c_withdraw.add_argument("id")
    c_withdraw.add_argument("--date", type=date_argument, metavar="YYYY-MM-DD")
    c_list = c_actions.add_parser("list", help=_("consents of a case's people"))
    c_list.add_argument("ref")
    json_output(c_list)
    c_check = c_actions.add_parser("check", help=_("is consent in force? (exit 0 yes, 1 no)"))
    c_check.add_argument("ref")
    c_check.add_argument("--person", required=True, help=_("name or alias in the case"))
    c_check.add_argument("--scope", required=True, choices=vocab.slugs("consent-scope"))

    followups = sub.add_parser("followups", help=_("open follow-ups: overdue, today, this week"))
    window = followups.add_mutually_exclusive_group()
    window.add_argument("--overdue", dest="window", action="store_const", const="overdue")
    window.add_argument("--today", dest="window", action="store_const", const="today")
    window.add_argument("--due-week", dest="window", action="store_const", const="week")
    followups.add_argument("--assignee", help=_("user name"))
    json_output(followups)


def cmd_service(args: argparse.Namespace, session: Session, read_json) -> int:
    if args.service_command == "add":
        print_json(support.add_service(session, args.ref, read_json(args.json)))
    elif args.service_command == "update":
        print_json(support.update_service(session, args.id, read_json(args.json)))
    else:
        found = support.list_services(session, args.status, args.type, args.limit)
        if args.as_json:
            print_json(found)
        for service in [] if args.as_json else found:
            print(
                "  ".join(
                    [
                        service["case_ref"],
                        vocab.label("service-type", service["type"]),
                        vocab.label("service-status", service["status"]),
                        service.get("provider") or _("our organization"),
                        service["person"],
                    ]
                )
            )
    return 0


def cmd_referral(args: argparse.Namespace, session: Session, read_json) -> int:
    if args.referral_command == "make":
        change = {"status": "referred", "provider": args.provider}
        if args.override:
            change["consent_override"] = args.override
        print_json(support.update_service(session, args.id, change))
        return 0
    found = [
        service
        for service in support.list_services(session, ["referred", "accepted", "declined"])
        if service.get("provider")
    ]
    if args.as_json:
        print_json(found)
    for service in [] if args.as_json else found:
        status = vocab.label("service-status", service["status"])
        type_ = vocab.label("service-type", service["type"])
        print(f"{service['case_ref']}  {type_}  {service['provider']}  {status}")
    return 0


def cmd_provider(args: argparse.Namespace, session: Session, read_json) -> int:
    if args.provider_command == "add":
        print_json(support.add_provider(session, read_json(args.json)))
    elif args.as_json:
        print_json(support.list_providers(session))
    else:
        for provider in support.list_providers(session):
            offered = ", ".join(vocab.label("service-type", s) for s in provider["services"])
            print(f"{provider['name']}  {provider.get('area') or ''}  {offered}")
    return 0


def cmd_followup(args: argparse.Namespace, session: Session, read_json) -> int:
    if args.followup_command == "add":
        print_json(support.add_followup(session, args.ref, read_json(args.json)))
    else:
        print_json(support.complete_followup(session, args.id))
    return 0


def cmd_followups(args: argparse.Namespace, session: Session, read_json) -> int:
    found = support.followups(session, args.window, args.assignee)
    if args.as_json:
        print_json(found)
    elif not found:
        print(_("No open follow-ups."))
    for item in [] if args.as_json else found:
        print(
            f"{format_date(item['due_on'])}  {item['case_ref']}  {item['assignee']}  {item['text']}"
        )
    return 0


def cmd_consent(args: argparse.Namespace, session: Session, read_json) -> int:
    day = dt.date.fromisoformat(args.date) if getattr(args, "date", None) else None
    if args.consent_command == "add":
        consent_id = consent.record(
            session, args.ref, args.person, args.scope, not args.refused, day, args.note
        )
        print_json({"id": consent_id})
    elif args.consent_command == "withdraw":
        consent.withdraw(session, args.id, day)
        print(_("Consent withdrawn."))
    elif args.consent_command == "list":
        people = consent.of_case(session, args.ref)
        if args.as_json:
            print_json(people)
        for person in [] if args.as_json else people:
            granted = [
                vocab.label("consent-scope", s) for s, ok in person["in_force"].items() if ok
            ]
            scopes = ", ".join(granted) or _("no consent in force")
            print(_("{person}: {scopes}").format(person=person["person"], scopes=scopes))
    else:
        _case_id, person_id = consent.person_in_case(session, args.ref, args.person)
        allowed = consent.may(session, person_id, args.scope)
        print(_("yes") if allowed else _("no"))
        return 0 if allowed else 1
    return 0


def cmd_attach(args: argparse.Namespace, session: Session, read_json) -> int:
    added = evidence.attach(
        session, args.ref, Path(args.file), args.description, args.source, args.obtained_on
    )
    print_json(added)
    return 0


def cmd_attachment(args: argparse.Namespace, session: Session, read_json) -> int:
    if args.attachment_command == "list":
        found = evidence.list_for(session, args.ref)
        if args.as_json:
            print_json(found)
        for item in [] if args.as_json else found:
            size = format_size(item["size"])
            print(f"{item['id']}  {item['filename']}  {size}  {item['sha256'][:16]}…")
        return 0
    if args.attachment_command == "export":
        print(evidence.export(session, args.id, Path(args.dest), args.note))
        return 0
    if args.attachment_command == "delete":
        evidence.delete(session, args.id, args.reason)
        print(_("Attachment removed."))
        return 0
    results = evidence.verify(session, args.id)
    for result in results:
        verdict = _("intact") if result["ok"] else _("ALTERED OR DAMAGED")
        print(f"{result['filename']}: {verdict}")
    return 0 if all(result["ok"] for result in results) else 1


def cmd_import(args: argparse.Namespace, session: Session, read_json) -> int:
    mapping = importmap.parse_mapping(read_json(args.mapping)) if args.mapping else None
    report = importer.import_file(session, Path(args.file), mapping, args.dry_run)
    if args.as_json:
        print_json(report.to_json())
        return 1 if report.errors else 0
    print(
        ngettext("{count} row read", "{count} rows read", report.rows).format(count=report.rows)
        + "; "
        + ngettext(
            "{count} blank row skipped", "{count} blank rows skipped", report.blank_rows
        ).format(count=report.blank_rows)
    )
    for error in report.errors:
        print(str(error))
    if report.errors:
        print(_("Nothing was imported. Correct the rows above, or the mapping, and try again."))
    elif args.dry_run:
        print(
            ngettext(
                "{count} case would be created.",
                "{count} cases would be created.",
                report.case_count,
            ).format(count=report.case_count)
        )
    else:
        print(
            ngettext("{count} case created.", "{count} cases created.", len(report.created)).format(
                count=len(report.created)
            )
        )
    if mapping is None and report.mapping is not None:
        print(_("Mapping used (save it to a file, edit it, and pass it with --mapping):"))
        print_json(report.mapping.to_json())
    return 1 if report.errors else 0


COMMANDS = {
    "attach": cmd_attach,
    "attachment": cmd_attachment,
    "import": cmd_import,
    "consent": cmd_consent,
    "service": cmd_service,
    "provider": cmd_provider,
    "referral": cmd_referral,
    "followup": cmd_followup,
    "followups": cmd_followups,
}
