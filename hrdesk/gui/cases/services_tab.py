"""The Services & referrals tab: help given or arranged, and where it stands."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QVBoxLayout, QWidget

from hrdesk.core import vocab
from hrdesk.gui.cases.context import CaseContext
from hrdesk.gui.cases.service_dialog import ServiceDialog
from hrdesk.gui.record_table import RecordTable
from hrdesk.gui.records_model import Column
from hrdesk.i18n import _
from hrdesk.i18n.formatting import format_date
from hrdesk.services import support

COLUMNS = (
    Column(lambda: _("Service"), lambda s: vocab.label("service-type", s["type"])),
    Column(lambda: _("For"), lambda s: s.get("person") or ""),
    Column(lambda: _("Provider"), lambda s: s.get("provider") or _("Our organization")),
    Column(lambda: _("Status"), lambda s: vocab.label("service-status", s["status"])),
    Column(lambda: _("Requested"), lambda s: format_date(s.get("requested_on"))),
    Column(lambda: _("Follow-up"), lambda s: format_date(s.get("follow_up_on"))),
)


class ServicesTab(QWidget):
    def __init__(self, ctx: CaseContext, parent=None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.table = RecordTable(COLUMNS, _("Services and referrals of this case"), self)
        self.add_button = self.table.add_button(_("&Record a service…"), self.add)
        self.table.add_button(_("&Update…"), self.edit_selected, needs_selection=True)
        self.table.finish_buttons()
        self.table.activated.connect(self.edit)
        QVBoxLayout(self).addWidget(self.table)

    def show_case(self, case: dict[str, Any]) -> None:
        self.table.set_records(case.get("services", []))

    def _person_names(self) -> list[str]:
        return [
            p.get("name") or p.get("alias")
            for p in self.ctx.case.get("people", [])
            if "actor_type" not in p
        ]

    def add(self, values: dict[str, Any] | None = None) -> None:
        self.ctx.client.call(
            support.list_providers, done=lambda providers: self._open(providers, None, values)
        )

    def edit_selected(self) -> None:
        if (service := self.table.selected()) is not None:
            self.edit(service)

    def edit(self, service: dict[str, Any], values: dict[str, Any] | None = None) -> None:
        self.ctx.client.call(
            support.list_providers, done=lambda providers: self._open(providers, service, values)
        )

    def _open(
        self,
        providers: list[dict[str, Any]],
        service: dict[str, Any] | None,
        values: dict[str, Any] | None,
    ) -> None:
        dialog = ServiceDialog(self._person_names(), providers, service, self)
        if values is not None:
            dialog.set_values(values)
        ref = self.ctx.case["ref"]

        def submit(payload: dict[str, Any], done, failed) -> None:
            if service is None:
                self.ctx.client.call(
                    support.add_service, ref, payload, done=done, failed=failed, write=True
                )
            else:
                self.ctx.client.call(
                    support.update_service,
                    service["id"],
                    payload,
                    done=done,
                    failed=failed,
                    write=True,
                )

        self.ctx.open_dialog(dialog, submit)
