"""The app's own preferences (QSettings, an INI file in the user's config folder).

Only preferences live here: language, auto-lock delay, window geometry, the
last vault folder and the random id of the last user. Never a name, a case
reference or anything typed into the vault: this file is not encrypted.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QByteArray, QSettings

DEFAULT_AUTOLOCK_MINUTES = 5


def default_settings_path() -> Path:
    from platformdirs import user_config_path

    return user_config_path("hrdesk", appauthor=False) / "settings.ini"


class AppSettings:
    def __init__(self, path: Path) -> None:
        self._qs = QSettings(str(path), QSettings.Format.IniFormat)

    def _get(self, key: str, default: object, kind: type) -> object:
        value = self._qs.value(key, default)
        try:
            return kind(value)
        except (TypeError, ValueError):
            return default

    @property
    def autolock_minutes(self) -> int:
        minutes = int(self._get("security/autolock_minutes", DEFAULT_AUTOLOCK_MINUTES, int))
        return max(1, min(minutes, 240))

    @autolock_minutes.setter
    def autolock_minutes(self, minutes: int) -> None:
        self._qs.setValue("security/autolock_minutes", int(minutes))

    @property
    def language(self) -> str:
        return str(self._get("ui/language", "", str))

    @language.setter
    def language(self, code: str) -> None:
        self._qs.setValue("ui/language", code)

    @property
    def last_user_id(self) -> str:
        return str(self._get("vault/last_user_id", "", str))

    @last_user_id.setter
    def last_user_id(self, user_id: str) -> None:
        self._qs.setValue("vault/last_user_id", user_id)

    @property
    def geometry(self) -> QByteArray | None:
        value = self._qs.value("ui/geometry")
        return value if isinstance(value, QByteArray) else None

    @geometry.setter
    def geometry(self, value: QByteArray) -> None:
        self._qs.setValue("ui/geometry", value)

    def sync(self) -> None:
        self._qs.sync()
