"""Synthetic, reproducible case records for ``hrdesk demo`` and the benchmarks.

``generate_cases`` yields dicts in the case JSON shape of ``docs/case-json.md`` (the input of
``hrdesk case add``), so that anyone can fill a vault to try the app and the benchmarks have
100,000 realistic cases. Everything is invented except the place names. Each case is drawn
from a *setting* (a language and its countries: name, place and text pools in
``hrdesk/resources/demo/<language>.json``) and a *scenario* (detention, disappearance, ...)
that decides which violations, vulnerabilities and sensitivity go together.

The module is pure: all randomness comes from one ``random.Random(seed)`` per call, and the
pools are read once at import into immutable structures.
"""

from __future__ import annotations

import datetime
import json
import random
import string
from bisect import bisect_right
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from itertools import accumulate
from pathlib import Path
from types import MappingProxyType
from typing import Any

from hrdesk.core import vocab
from hrdesk.resources import resource_path

_OPENED_SPAN_DAYS = 3 * 365
# Placeholders a text template may use; actor names get fewer, as they are drawn first.
_TEXT_FIELDS = frozenset({"locality", "region", "group", "n", "victim", "actor"})
_ACTOR_FIELDS = frozenset({"n", "locality", "region"})
# Pools a country may override; otherwise it takes its setting's.
_COUNTRY_POOLS = ("given_names", "family_names", "actors", "groups")

Random = Callable[[], float]


def _require(vocabulary: str, slugs: Iterable[str]) -> None:
    # Fail at import rather than emit a slug that `case add` would reject.
    unknown = set(slugs) - set(vocab.slugs(vocabulary))
    if unknown:
        raise ValueError(f"demo data uses unknown {vocabulary} slugs: {sorted(unknown)}")


@dataclass(frozen=True, slots=True)
class _Weighted:
    items: tuple[Any, ...]
    cumulative: tuple[float, ...]

    def pick(self, rnd: Random) -> Any:
        return self.items[bisect_right(self.cumulative, rnd() * self.cumulative[-1])]


def _table(pairs: Iterable[tuple[Any, float]]) -> _Weighted:
    items, weights = zip(*pairs, strict=True)
    return _Weighted(items, tuple(accumulate(weights)))


def _weighted(vocabulary: str, weights: dict[str, float]) -> _Weighted:
    _require(vocabulary, weights)
    return _table((slug, weights.get(slug, 0)) for slug in vocab.slugs(vocabulary))


def _pick(rnd: Random, seq: tuple[Any, ...] | list[Any]) -> Any:
    # Faster than Random.choice, which matters at 100,000 cases.
    return seq[int(rnd() * len(seq))]


def _between(rnd: Random, low: int, high: int) -> int:
    return low + int(rnd() * (high - low + 1))


@dataclass(frozen=True, slots=True)
class _Scenario:
    key: str
    core: tuple[str, ...]  # the first violation of an incident is one of these
    extra: tuple[str, ...]  # a possible second one
    vulnerability: str | None
    sensitivity: _Weighted
    urgency: float
    child_share: float
    absent_victim: bool  # killed or disappeared: a relative speaks and consents
    female_victim: bool  # the scenario's texts speak of a woman


# One row per scenario: the violations that go together (the first of an incident is one of
# the core ones, a second may be one of the others), the vulnerability victims often have, the
# % of sensitive and restricted cases, the share of urgent cases and of child victims, and
# traits: "absent" victims (killed, disappeared) and "female" victims (texts speak of a woman).
# fmt: off
_SCENARIO_RULES = (
    ("detention", 20, "arbitrary-detention",
     "torture-ill-treatment unfair-trial threats-harassment", "detained", 30, 5, 0.12, 0, ""),
    ("disappearance", 10, "enforced-disappearance",
     "arbitrary-detention torture-ill-treatment", "", 45, 25, 0.35, 0, "absent"),
    ("displacement", 12, "forced-displacement",
     "property-destruction denial-of-essential-services threats-harassment", "displaced",
     15, 2, 0.05, 0.08, ""),
    ("defender", 10, "threats-harassment reprisal-against-defender",
     "unlawful-surveillance freedom-of-expression arbitrary-detention", "hrd",
     45, 20, 0.15, 0, ""),
    ("assembly", 10, "freedom-of-assembly-association",
     "physical-assault arbitrary-detention torture-ill-treatment", "", 20, 3, 0.05, 0, ""),
    ("expression", 8, "freedom-of-expression",
     "arbitrary-detention unfair-trial unlawful-surveillance", "", 30, 5, 0.08, 0, ""),
    ("services", 8, "denial-of-essential-services discrimination",
     "discrimination other", "displaced", 10, 0, 0.03, 0.08, ""),
    ("killing", 8, "killing",
     "physical-assault property-destruction", "", 40, 30, 0.2, 0.05, "absent"),
    ("sgbv", 6, "sexual-gender-based-violence",
     "torture-ill-treatment physical-assault", "", 15, 85, 0.25, 0, "female"),
    ("child_recruitment", 5, "child-recruitment",
     "forced-labour-trafficking threats-harassment", "child", 30, 50, 0.3, 1.0, ""),
)
# fmt: on


def _scenario(rule: tuple[Any, ...]) -> tuple[_Scenario, int]:
    key, weight, core, extra, vulnerable, sensitive, restricted, urgent, child, trait = rule
    _require("violation", f"{core} {extra}".split())
    _require("vulnerability", vulnerable.split())
    levels = {"standard": 100 - sensitive - restricted, "sensitive": sensitive}
    sensitivity = _weighted("sensitivity", {**levels, "restricted": restricted})
    absent, female = trait == "absent", trait == "female"
    core_slugs, extra_slugs = tuple(core.split()), tuple(extra.split())
    scenario = _Scenario(
        key, core_slugs, extra_slugs, vulnerable or None, sensitivity, urgent, child, absent, female
    )
    return scenario, weight


_SCENARIOS = MappingProxyType({rule[0]: _scenario(rule) for rule in _SCENARIO_RULES})
_STATUS = _weighted(
    "case-status", {"open": 36, "active": 34, "on-hold": 8, "closed": 15, "archived": 7}
)
_CLOSED_STATUSES = frozenset({"closed", "archived"})
_PRIORITY = _weighted("priority", {"low": 14, "normal": 60, "high": 26})
_SEX = _weighted("sex", {"female": 47, "male": 47, "other": 1, "unknown": 5})
_PRECISION = _weighted("date-precision", {"exact": 60, "month": 20, "year": 5, "approximate": 15})
_DATE_LENGTHS = MappingProxyType({"exact": (10,), "month": (7,), "year": (4,)})
_CONSENT_SHARES = (
    ("store-data", 1.0),
    ("share-dossiers", 0.45),
    ("refer-providers", 0.3),
    ("share-organization", 0.15),
)
# role: (share who have a contact, share who recorded consents)
_ROLE_SHARES = MappingProxyType(
    {
        "victim": (0.4, 0.85),
        "witness": (0.3, 0.5),
        "relative": (0.55, 0.7),
        "source": (0.2, 0.3),
        "representative": (0.8, 0.2),
    }
)
# After the victims: who else typically appears in a case, and how often.
_OTHER_ROLES = (("relative", 0.2), ("witness", 0.3), ("source", 0.12), ("representative", 0.05))

# Help that fits each scenario, and partner organizations it can be referred to.
_SERVICE_TYPES = {
    "detention": ("legal-aid", "psychosocial", "documentation"),
    "disappearance": ("legal-aid", "family-tracing", "psychosocial"),
    "displacement": ("shelter", "emergency-aid", "livelihood"),
    "defender": ("protection-relocation", "legal-aid", "psychosocial"),
    "assembly": ("legal-aid", "medical"),
    "expression": ("legal-aid", "advocacy"),
    "services": ("emergency-aid", "education", "livelihood"),
    "killing": ("psychosocial", "legal-aid", "emergency-aid"),
    "sgbv": ("medical", "psychosocial", "shelter", "legal-aid"),
    "child_recruitment": ("psychosocial", "education", "family-tracing"),
}
_PROVIDERS = (
    "Legal Aid Clinic, {locality}",
    "Community Health Centre, {locality}",
    "Women's Shelter Network, {region}",
    "Trauma Counselling Centre, {region}",
)
_OPEN_SERVICE = _table((("planned", 2), ("in-progress", 4), ("completed", 3), ("cancelled", 0.3)))
_require("service-type", (t for types in _SERVICE_TYPES.values() for t in types))
_COUNT_0_TO_3 = _table(((0, 20), (1, 35), (2, 30), (3, 15)))
_require("consent-scope", (scope for scope, _ in _CONSENT_SHARES))
_require("role", [*_ROLE_SHARES, "alleged-perpetrator"])
_require("case-status", _CLOSED_STATUSES)
_require("priority", ["urgent"])
_require("actor-type", ["individual"])
_require("vulnerability", ["child", "disability", "displaced"])
_require("date-precision", [*_DATE_LENGTHS, "approximate"])


def _check(where: str, templates: Iterable[str], allowed: frozenset[str] = _TEXT_FIELDS) -> None:
    for template in templates:
        for _, field, _, _ in string.Formatter().parse(template):
            if field is not None and field not in allowed:
                raise ValueError(f"{where}: unknown placeholder {{{field}}} in {template!r}")


def _freeze(value: Any) -> Any:
    if isinstance(value, dict):
        return MappingProxyType({key: _freeze(item) for key, item in value.items()})
    if isinstance(value, list):
        return tuple(_freeze(item) for item in value)
    return value


def _load_country(raw: dict[str, Any], setting: dict[str, Any], where: str) -> dict[str, Any]:
    country = {key: setting[key] for key in _COUNTRY_POOLS} | raw
    if len(raw["code"]) != 2 or not raw["code"].isascii() or not raw["code"].isupper():
        raise ValueError(f"{where}: {raw['code']!r} is not an ISO 3166-1 alpha-2 code")
    for key in ("given_names", "family_names"):
        if isinstance(country[key], list):  # the same names for women and men
            country[key] = {"female": country[key], "male": country[key]}
    # An actor is [name template, actor type] or [name template, actor type, low, high] for {n}.
    country["actors"] = [(*actor, 0, 0)[:4] for actor in country["actors"]]
    _check(where, (actor[0] for actor in country["actors"]), _ACTOR_FIELDS)
    _require("actor-type", (actor[1] for actor in country["actors"]))
    country["regions"] = [[name, places] for name, places in country["regions"].items()]
    country.setdefault("nationalities", [])
    return country


def _load_setting(path: Path) -> tuple[Mapping[str, Any], float]:
    setting = json.loads(path.read_text(encoding="utf-8"))
    where = f"hrdesk/resources/demo/{path.name}"
    scenarios = []
    for key, texts in setting["scenarios"].items():
        if key not in _SCENARIOS:
            raise ValueError(f"{where}: unknown scenario {key!r}")
        _check(where, texts["titles"] + texts["summaries"] + texts["incidents"])
        scenario, weight = _SCENARIOS[key]
        scenarios.append(((scenario, _freeze(texts)), weight))
    _check(where, setting["places"] + setting["follow_ups"] + setting["notes"])
    _check(where, [setting["source_alias"]], frozenset({"n"}))
    setting["scenarios"] = _table(scenarios)
    setting["countries"] = [_load_country(c, setting, where) for c in setting["countries"]]
    # Victims who were killed or disappeared are not met: notes that name them do not fit.
    setting["notes_without_victim"] = [n for n in setting["notes"] if "{victim}" not in n]
    digits = setting.get("digits")
    setting["digits"] = str.maketrans("0123456789", digits) if digits else None
    defaults = {"name_elements": None, "name_joiner": " ", "patronymic": False, "surnames": 1}
    return _freeze({"alias_strip": [], **defaults, **setting}), setting["weight"]


# Sorted so that a seed gives the same cases whatever order the disk lists the files in.
_SETTINGS = _table(_load_setting(p) for p in sorted(resource_path("demo").glob("*.json")))


def generate_cases(count: int, seed: int = 0, today: datetime.date | None = None) -> Iterator[dict]:
    """Yield `count` case dicts in the case JSON shape, reproducible for a seed.

    The same ``count``, ``seed`` and ``today`` always give the same cases, and the cases of a
    shorter run are the first cases of a longer one. ``opened_on`` falls within the three
    years before ``today`` (the current date when not given) and no date is after it.
    """
    if count < 0:
        raise ValueError("count must not be negative")
    day = today if today is not None else datetime.date.today()
    rng = random.Random(seed)
    return (_Builder(rng, day).case() for _ in range(count))


def _iso(ordinal: int) -> str:
    return datetime.date.fromordinal(ordinal).isoformat()


def _age_range(age: int) -> str:
    if age < 18:
        return "12-17" if age >= 12 else "6-11"
    return f"{age // 10 * 10}-{age // 10 * 10 + 9}"


class _Builder:
    """Draws one case; holds what its people, incidents and notes must agree on."""

    def __init__(self, rng: random.Random, today: datetime.date) -> None:
        self.rnd = rnd = rng.random
        self.year = today.year
        self.setting: Mapping[str, Any] = _SETTINGS.pick(rnd)
        self.country: Mapping[str, Any] = _pick(rnd, self.setting["countries"])
        self.region, localities = _pick(rnd, self.country["regions"])
        self.locality: str = _pick(rnd, localities)
        self.scenario: _Scenario
        self.texts: Mapping[str, tuple[str, ...]]
        self.scenario, self.texts = self.setting["scenarios"].pick(rnd)
        self.end = self.last = today.toordinal()
        self.opened = self.end - int(rnd() * (_OPENED_SPAN_DAYS + 1))
        self.used: set[str] = set()  # names and aliases, so that references are unambiguous
        self.fields: dict[str, str] = {}

    def number(self, value: int) -> str:
        digits = self.setting["digits"]
        return str(value).translate(digits) if digits else str(value)

    def text(self, pool: tuple[str, ...]) -> str:
        return _pick(self.rnd, pool).format_map(self.fields)

    def case(self) -> dict[str, Any]:
        rnd, setting, scenario, texts = self.rnd, self.setting, self.scenario, self.texts
        status = _STATUS.pick(rnd)
        closed = _between(rnd, self.opened, self.end) if status in _CLOSED_STATUSES else None
        if closed is not None:
            self.last = closed  # nobody writes notes on a closed case
        people = self._people()
        victims = [p["name"] for p in people if p["role"] == "victim"]
        actor = people[-1]["name"] if people[-1]["role"] == "alleged-perpetrator" else None
        self.fields = {
            "locality": self.locality,
            "region": self.region,
            "victim": victims[0],
            "group": _pick(rnd, self.country["groups"]),
            "n": self.number(_between(rnd, 2, 24)),
            "actor": actor or setting["unknown_actor"],
        }
        case: dict[str, Any] = {
            "title": self.text(texts["titles"])[:300],
            "status": status,
            "priority": "urgent" if rnd() < scenario.urgency else _PRIORITY.pick(rnd),
            "sensitivity": scenario.sensitivity.pick(rnd),
        }
        if rnd() < 0.9:
            summary = self.text(texts["summaries"])
            if rnd() < 0.5:
                summary += " " + self.text(setting["follow_ups"])
            case["summary"] = summary
        case["opened_on"] = _iso(self.opened)
        if closed is not None:
            case["closed_on"] = _iso(closed)
        case["location"] = {"country": self.country["code"], "region": self.region}
        if rnd() < 0.93:
            case["location"]["locality"] = self.locality
        tags: list[str] = []
        wanted, pool = _COUNT_0_TO_3.pick(rnd), texts["tags"] + setting["tags"]
        while len(tags) < wanted:
            tag = _pick(rnd, pool)
            if tag not in tags:
                tags.append(tag)
        if tags:
            case["tags"] = tags
        case["people"] = people
        case["incidents"] = self._incidents(victims, actor)
        notes = self._notes(case["sensitivity"] == "restricted")
        if notes:
            case["notes"] = notes
        services = self._services(people, closed is not None)
        if services:
            case["services"] = services
        return case

    def _services(self, people: list[dict[str, Any]], closed: bool) -> list[dict[str, Any]]:
        """0-2 services for people who can receive help; referred to a partner only
        with the person's consent to be referred, as hrdesk requires."""
        rnd = self.rnd
        roles = ("relative",) if self.scenario.absent_victim else ("victim", "relative")
        recipients = [
            p for p in people if p["role"] in roles and "actor_type" not in p and "name" in p
        ]
        if not recipients or rnd() < 0.35:
            return []
        services = []
        for service_type in dict.fromkeys(
            _pick(rnd, _SERVICE_TYPES[self.scenario.key]) for _ in range(1 + (rnd() < 0.3))
        ):
            person = _pick(rnd, recipients)
            requested = _between(rnd, self.opened, self.last)
            status = "completed" if closed else _OPEN_SERVICE.pick(rnd)
            service: dict[str, Any] = {
                "type": service_type,
                "person": person["name"],
                "status": status,
                "requested_on": _iso(requested),
            }
            may_refer = any(
                c["scope"] == "refer-providers" and c["granted"] and "withdrawn_on" not in c
                for c in person.get("consents", ())
            )
            if may_refer and rnd() < 0.6:
                service["provider"] = _pick(rnd, _PROVIDERS).format_map(self.fields)
                if status == "planned":
                    service["status"] = "referred"
            if service["status"] in ("in-progress", "completed"):
                started = _between(rnd, requested, self.last)
                service["started_on"] = _iso(started)
                if service["status"] == "completed":
                    service["completed_on"] = _iso(_between(rnd, started, self.last))
            elif service["status"] != "cancelled" and rnd() < 0.6:
                # Some overdue, some coming up: the coordinator's daily list has both.
                service["follow_up_on"] = _iso(_between(rnd, requested, self.end + 30))
            services.append(service)
        return services

    def _people(self) -> list[dict[str, Any]]:
        rnd, scenario = self.rnd, self.scenario
        sex = "female" if scenario.female_victim else None
        people = [
            self._person("victim", rnd() < scenario.child_share, sex, scenario.absent_victim)
            for _ in range(2 if rnd() < 0.3 else 1)
        ]
        has_actor = rnd() < 0.8
        # A child or an absent victim cannot speak for themselves: a relative does.
        children = any("child" in p.get("vulnerabilities", ()) for p in people)
        needs_relative = scenario.absent_victim or children
        free = 4 - len(people) - has_actor
        for role, share in _OTHER_ROLES:
            wanted = rnd() < share or (role == "relative" and needs_relative)
            if free and wanted:
                anonymous = role == "source" and rnd() < 0.3
                people.append(self._anonymous_source() if anonymous else self._person(role))
                free -= 1
        if has_actor:
            people.append(self._actor())
        return people

    def _name(self, sex: str) -> tuple[str, list[str]]:
        rnd, setting, country = self.rnd, self.setting, self.country
        gender = "female" if sex == "female" or (sex != "male" and rnd() < 0.5) else "male"
        given, family = country["given_names"][gender], country["family_names"][gender]
        while True:
            if setting["name_elements"]:
                parts = [_pick(rnd, given) for _ in range(_between(rnd, *setting["name_elements"]))]
            else:
                parts = [_pick(rnd, given)]
                if setting["patronymic"]:
                    parts.append(_pick(rnd, country["given_names"]["male"]))
                parts.extend(_pick(rnd, family) for _ in range(setting["surnames"]))
            name = setting["name_joiner"].join(parts)
            if name not in self.used:
                self.used.add(name)
                return name, parts

    def _initials(self, parts: list[str]) -> str:
        letters = []
        for part in parts:
            for prefix in self.setting["alias_strip"]:
                if part.startswith(prefix) and len(part) > len(prefix):
                    part = part.removeprefix(prefix)
                    break
            letters.append(part[0] + ".")
        return "".join(letters)

    def _person(
        self, role: str, child: bool = False, sex: str | None = None, absent: bool = False
    ) -> dict[str, Any]:
        rnd, country = self.rnd, self.country
        sex = sex or _SEX.pick(rnd)
        name, parts = self._name(sex)
        person: dict[str, Any] = {"name": name}
        if rnd() < 0.3 and (alias := self._initials(parts)) not in self.used:
            self.used.add(alias)
            person["alias"] = alias
        person["role"] = role
        if rnd() < 0.85:
            person["sex"] = sex
        age = _between(rnd, 8, 17) if child else _between(rnd, 18, 75)
        born, draw = max(1940, self.year - age), rnd()
        if draw < 0.45:
            person["birth_year"] = born
        elif draw < 0.7:
            person["age_range"] = _age_range(age)
        elif draw < 0.75:
            day = datetime.date(born, _between(rnd, 1, 12), _between(rnd, 1, 28))
            person["birth_date"] = day.isoformat()
        if rnd() < 0.6:
            foreign = rnd() >= 0.88 and country["nationalities"]
            person["nationality"] = (
                _pick(rnd, country["nationalities"]) if foreign else country["code"]
            )
        if rnd() < 0.5:
            languages = [_pick(rnd, country["languages"])]
            other = _pick(rnd, country["languages"])
            if rnd() < 0.4 and other not in languages:
                languages.append(other)
            person["languages"] = languages
        contact_share, consent_share = _ROLE_SHARES[role]
        if not absent and rnd() < contact_share:
            person["contact"] = f"{_pick(rnd, country['phones'])} 555 01{int(rnd() * 100):02d}"
        vulnerabilities = ["child"] if child else []
        if role == "victim" and self.scenario.vulnerability and rnd() < 0.7:
            vulnerabilities.append(self.scenario.vulnerability)
        vulnerabilities += [slug for slug in ("disability", "displaced") if rnd() < 0.06]
        if vulnerabilities:
            person["vulnerabilities"] = list(dict.fromkeys(vulnerabilities))
        if not absent and not child and rnd() < consent_share:
            person["consents"] = self._consents()
        return person

    def _anonymous_source(self) -> dict[str, Any]:
        number = _between(self.rnd, 1, 9)
        while (alias := self.setting["source_alias"].format(n=self.number(number))) in self.used:
            number += 1
        self.used.add(alias)
        source: dict[str, Any] = {"alias": alias, "role": "source"}
        if self.rnd() < 0.5:
            source["consents"] = self._consents()
        return source

    def _actor(self) -> dict[str, Any]:
        rnd = self.rnd
        if rnd() < 0.15:
            name, _ = self._name("male" if rnd() < 0.85 else "female")
            return {"name": name, "role": "alleged-perpetrator", "actor_type": "individual"}
        template, actor_type, low, high = _pick(rnd, self.country["actors"])
        number = self.number(_between(rnd, low, high))
        name = template.format(n=number, locality=self.locality, region=self.region)
        self.used.add(name)
        return {"name": name, "role": "alleged-perpetrator", "actor_type": actor_type}

    def _consents(self) -> list[dict[str, Any]]:
        rnd = self.rnd
        given = min(self.opened + int(rnd() * 10), self.end)
        consents = []
        for scope, share in _CONSENT_SHARES:
            if rnd() >= share:
                continue
            granted = scope == "store-data" or rnd() < 0.85
            consent: dict[str, Any] = {"scope": scope, "granted": granted, "date": _iso(given)}
            if granted and scope != "store-data" and rnd() < 0.04:
                consent["withdrawn_on"] = _iso(_between(rnd, given, self.end))
            if rnd() < 0.35:
                consent["note"] = _pick(rnd, self.setting["consent_notes"])
            consents.append(consent)
        return consents

    def _incidents(self, victims: list[str], actor: str | None) -> list[dict[str, Any]]:
        rnd, scenario = self.rnd, self.scenario
        # Most incidents happen shortly before someone brings the case; some are ongoing.
        if rnd() < 0.85:
            day = self.opened - int(rnd() * 120)
        else:
            day = _between(rnd, self.opened, min(self.opened + 60, self.end))
        incidents = []
        for index in range(2 if rnd() < 0.28 else 1):
            if index:
                day = min(day + _between(rnd, 1, 90), self.end)
            precision = _PRECISION.pick(rnd)
            length = _pick(rnd, _DATE_LENGTHS.get(precision, (4, 7, 10)))
            incident: dict[str, Any] = {"date": _iso(day)[:length], "date_precision": precision}
            if rnd() < 0.9:
                incident["place"] = self.text(self.setting["places"])
            incident["description"] = self.text(self.texts["incidents"])
            violations = [_pick(rnd, scenario.core)]
            extra = _pick(rnd, scenario.extra)
            if rnd() < 0.45 and extra not in violations:
                violations.append(extra)
            incident["violations"] = violations
            incident["victims"] = [_pick(rnd, victims)] if index else list(victims)
            if actor and rnd() < 0.9:
                incident["perpetrators"] = [actor]
            incidents.append(incident)
        return incidents

    def _notes(self, restricted: bool) -> list[dict[str, Any]]:
        rnd, setting = self.rnd, self.setting
        days = sorted(_between(rnd, self.opened, self.last) for _ in range(_COUNT_0_TO_3.pick(rnd)))
        pool = setting["notes_without_victim" if self.scenario.absent_victim else "notes"]
        confidential = 0.6 if restricted else 0.2
        return [
            {"date": _iso(day), "text": self.text(pool), "confidential": rnd() < confidential}
            for day in days
        ]
