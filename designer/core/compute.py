"""The ``compute`` functions of mapping rules, and the value conversions they share.

A rule ``{transform: 'compute', fn: '<name>', ...}`` calls one function of
:data:`REGISTRY` with the arguments its :class:`ComputeFn` declares. The
platform runtime's own ``fn`` names are not documented; these are the
designer's own documented set, each with its arguments, what it promises,
and an example.

Argument kinds:

* ``path`` — one path (dotted, or JSONPath if it starts with ``$``); the
  function receives the value it reads, or ``MISSING``.
* ``paths`` — a list of paths; the function receives a list of values.
* ``text`` — a literal string option, checked when the mapping is compiled.
* ``template`` — a string with ``{path}`` placeholders (``{{``/``}}`` for
  literal braces); the function receives the text pieces and the values.

A function reports a value it could not use by raising :class:`ComputeError`
(the field's status becomes *error*), and a doubtful result it still gives by
calling ``warn`` (status *warning*).
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any

from designer.core.paths import MISSING

__all__ = [
    "REGISTRY",
    "ArgKind",
    "ComputeError",
    "ComputeFn",
    "FnArg",
    "Warn",
    "js_number_to_string",
    "js_string",
    "parse_number",
]

#: Called by a compute function to attach a warning to its result.
Warn = Callable[[str], None]


class ComputeError(Exception):
    """A compute function cannot make a value from its input; says why."""


class ArgKind(StrEnum):
    PATH = "path"
    PATHS = "paths"
    TEXT = "text"
    TEMPLATE = "template"


@dataclass(frozen=True, slots=True)
class FnArg:
    """One argument a compute function takes, as a key of the rule object."""

    name: str
    kind: ArgKind
    doc: str
    required: bool = True
    default: str | None = None
    #: For ``text`` arguments: the allowed values (empty means any string).
    choices: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class ComputeFn:
    """A named function a ``compute`` rule can call."""

    name: str
    args: tuple[FnArg, ...]
    doc: str
    #: A rule as it is written in a MiniApp, and what it gives for a sample.
    example: str
    func: Callable[[Mapping[str, Any], Warn], Any]

    def arg(self, name: str) -> FnArg | None:
        return next((a for a in self.args if a.name == name), None)


# ------------------------------------------------------------------ shared conversions


def js_number_to_string(number: float) -> str:
    """Write ``number`` as JavaScript's ``String(number)`` would.

    Integral floats lose their ``.0`` (``10.0`` gives ``"10"``), exponents
    appear only past 1e21 or below 1e-6, as in JS.
    """
    if math.isnan(number):
        return "NaN"
    if math.isinf(number):
        return "Infinity" if number > 0 else "-Infinity"
    if number == 0:
        return "0"
    sign = "-" if number < 0 else ""
    # repr gives the shortest digits that read back to the same float, as JS does.
    _, digit_tuple, exponent = Decimal(repr(abs(number))).normalize().as_tuple()
    digits = "".join(map(str, digit_tuple))
    assert isinstance(exponent, int)
    k = len(digits)
    n = k + exponent  # the value is 0.<digits> * 10**n
    if k <= n <= 21:
        text = digits + "0" * (n - k)
    elif 0 < n <= 21:
        text = digits[:n] + "." + digits[n:]
    elif -6 < n <= 0:
        text = "0." + "0" * (-n) + digits
    else:
        e = n - 1
        mantissa = digits[0] + ("." + digits[1:] if k > 1 else "")
        text = f"{mantissa}e{'+' if e >= 0 else '-'}{abs(e)}"
    return sign + text


def js_string(value: Any) -> str | None:
    """A scalar written as text the way a JS runtime would; None for null.

    Raises :class:`ComputeError` for objects and lists.
    """
    if isinstance(value, str):
        return value
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return js_number_to_string(value)
    kind = "an object" if isinstance(value, dict) else "a list"
    raise ComputeError(f"cannot turn {kind} into text")


_PLAIN_NUMBER = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")
_INTEGER = re.compile(r"[+-]?[0-9]+")
_THOUSANDS = re.compile(r"[+-]?[0-9]{1,3}(?:,[0-9]{3})+(?:\.[0-9]+)?")
_ASCII_SPACE = " \t\n\r\f\v"


def parse_number(value: Any) -> tuple[int | float | None, str | None]:
    """A number from ``value``, or None and the reason it is not one.

    Numbers pass (not booleans). A string of a plain number passes after
    trimming spaces: ``"10.50"`` gives 10.5, ``"-3"`` gives -3, ``"1e3"``
    gives 1000.0; a string with no fraction or exponent gives an exact int.
    """
    if isinstance(value, bool):
        return None, "a boolean is not a number"
    if isinstance(value, int):
        return value, None
    if isinstance(value, float):
        if math.isfinite(value):
            return value, None
        return None, "not a finite number"
    if value is None:
        return None, None
    if isinstance(value, str):
        text = value.strip(_ASCII_SPACE)
        if _PLAIN_NUMBER.fullmatch(text):
            if _INTEGER.fullmatch(text):
                return int(text), None
            number = float(text)
            if math.isfinite(number):
                return number, None
            return None, f"{value!r} is too large for a number"
        return None, _why_not_number(value, text)
    kind = "an object" if isinstance(value, dict) else "a list"
    return None, f"{kind} is not a number"


def _why_not_number(value: str, text: str) -> str:
    if not text:
        return "an empty string is not a number" if not value else "only spaces"
    if _THOUSANDS.fullmatch(text):
        return f"{value!r} contains a thousands separator"
    if any(ch.isdigit() and not ch.isascii() for ch in text):
        return f"{value!r} has non-ASCII digits"
    if "," in text and re.search(r"[0-9],[0-9]", text):
        return f"{value!r} contains a comma (decimal comma or thousands separator)"
    if re.search(r"[0-9]", text):
        return f"{value!r} has text besides the number"
    return f"{value!r} is not a number"


# ------------------------------------------------------------------------- functions


def _digits(text: str) -> str:
    return "".join(ch for ch in text if ch.isascii() and ch.isdigit())


def _join_phone(args: Mapping[str, Any], warn: Warn) -> Any:
    values = args["paths"]
    if len(values) != 2:
        raise ComputeError("joinPhone takes two paths: [countryCode, number]")
    code_raw, number_raw = values
    if number_raw is MISSING:
        return MISSING
    if number_raw is None or number_raw == "":
        return None
    if isinstance(number_raw, bool) or not isinstance(number_raw, int | str):
        raise ComputeError("the number must be text or an integer")
    number = str(number_raw).strip()
    local = _digits(number)
    if not local:
        raise ComputeError(f"no digits in number {number_raw!r}")
    if number.startswith("+"):
        return "+" + local  # already international
    if code_raw is MISSING or code_raw is None or code_raw == "":
        if local.startswith("00"):
            return "+" + local[2:]
        warn("no country code; the number is kept as it is")
        return local
    if isinstance(code_raw, bool) or not isinstance(code_raw, int | str):
        raise ComputeError("the country code must be text or an integer")
    code = _digits(str(code_raw)).removeprefix("00")
    if not code:
        raise ComputeError(f"no digits in country code {code_raw!r}")
    if local.startswith("00" + code):
        return "+" + local[2:]
    # A number that already starts with its country code and is still long
    # enough for a subscriber number (7+ digits) is taken as prefixed.
    if local.startswith(code) and len(local) - len(code) >= 7:
        return "+" + local
    return "+" + code + local.lstrip("0")


def _localized_name(args: Mapping[str, Any], warn: Warn) -> Any:
    value = args["path"]
    locale = args["locale"]
    if value is MISSING or value is None or isinstance(value, str):
        return value
    if not isinstance(value, dict):
        raise ComputeError("expected a text or an object of names by locale")
    preferred = value.get(locale)
    if isinstance(preferred, str) and preferred.strip():
        return preferred
    for other, name in value.items():
        if isinstance(name, str) and name.strip():
            warn(f"no {locale!r} name; used the {other!r} one")
            return name
    return None


def _split_name(args: Mapping[str, Any], warn: Warn) -> Any:
    value = args["path"]
    if value is MISSING or value is None:
        return value
    if not isinstance(value, str):
        raise ComputeError("expected a full name as text")
    words = value.split()
    if not words:
        return None
    if args["part"] == "first":
        return words[0]
    return " ".join(words[1:]) or None


def _concat(args: Mapping[str, Any], warn: Warn) -> Any:
    texts = [js_string(v) for v in args["paths"] if v is not MISSING]
    kept = [t for t in texts if t]
    return args["separator"].join(kept) if kept else None


def _template(args: Mapping[str, Any], warn: Warn) -> Any:
    pieces, values = args["template"]
    out = [pieces[0]]
    for value, piece in zip(values, pieces[1:], strict=True):
        text = None if value is MISSING else js_string(value)
        out.append(text or "")
        out.append(piece)
    if all(v is MISSING or v is None or v == "" for v in values):
        warn("every placeholder was empty")
    return "".join(out)


def _lowercase(args: Mapping[str, Any], warn: Warn) -> Any:
    value = args["path"]
    if value is MISSING or value is None:
        return value
    if not isinstance(value, str):
        raise ComputeError("expected text")
    return value.lower()


def _trim(args: Mapping[str, Any], warn: Warn) -> Any:
    value = args["path"]
    if value is MISSING or value is None:
        return value
    if not isinstance(value, str):
        raise ComputeError("expected text")
    return value.strip()


def _zone(name: str, warn: Warn) -> Any:
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        warn(f"unknown time zone {name!r}; the time is kept without an offset")
        return None


def _iso(moment: datetime, warn: Warn) -> str:
    if moment.tzinfo is None:
        warn("no time zone; the time is written without an offset")
        return moment.isoformat()
    utc = moment.astimezone(UTC).replace(tzinfo=None)
    return utc.isoformat() + "Z"


def _to_iso_date(args: Mapping[str, Any], warn: Warn) -> Any:
    value = args["path"]
    if value is MISSING or value is None or value == "":
        return None if value == "" else value
    zone_name = args.get("timezone")
    if isinstance(value, dict):  # Salla: {date, timezone_type, timezone}
        zone_name = value.get("timezone") or zone_name
        value = value.get("date")
        if not isinstance(value, str):
            raise ComputeError("expected an object with a 'date' text")
    if isinstance(value, int | float) and not isinstance(value, bool):
        seconds = value / 1000 if abs(value) >= 1e11 else value  # ms or s
        return _iso(datetime.fromtimestamp(seconds, UTC), warn)
    if not isinstance(value, str):
        raise ComputeError("expected a date text, a timestamp or {date, timezone}")
    text = value.strip()
    if text.endswith(("Z", "z")):
        text = text[:-1] + "+00:00"
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise ComputeError(f"{value!r} is not a date this function reads") from None
    if moment.tzinfo is None and zone_name:
        zone = _zone(zone_name, warn)
        if zone is None:
            return moment.isoformat()
        moment = moment.replace(tzinfo=zone)
    return _iso(moment, warn)


_MONEY = re.compile(
    r"(?P<pre>[^\d+\-.]*?)\s*(?P<num>[+-]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?)"
    r"\s*(?P<post>[^\d]*)"
)


def _money_amount(args: Mapping[str, Any], warn: Warn) -> Any:
    value = args["path"]
    if value is MISSING or value is None:
        return value
    if isinstance(value, dict) and "amount" in value:
        value = value["amount"]
        if value is None:
            return None
    if isinstance(value, str):
        m = _MONEY.fullmatch(value.strip())
        if m is None or any(ch.isdigit() for ch in m["pre"] + m["post"]):
            warn(f"{value!r} is not an amount this function reads")
            return None
        number, _ = parse_number(m["num"].replace(",", ""))
        return number
    number, why = parse_number(value)
    if why:
        warn(why)
    return number


def _fn(
    name: str,
    args: tuple[FnArg, ...],
    doc: str,
    example: str,
    func: Callable[[Mapping[str, Any], Warn], Any],
) -> ComputeFn:
    return ComputeFn(name, args, " ".join(doc.split()), example, func)


_ONE_PATH = FnArg("path", ArgKind.PATH, "the value to read")

#: Every compute function, by name.
REGISTRY: dict[str, ComputeFn] = {
    f.name: f
    for f in (
        _fn(
            "joinPhone",
            (FnArg("paths", ArgKind.PATHS, "[country code path, number path]"),),
            """One international number (+<code><number>) from a country code and a
            local number. The code may be written +966, 966 or 00966; the number
            may be text or an integer. Leading zeros of the local number are
            dropped. A number that already starts with +, with 00 and the code, or
            with the code and at least 7 more digits is taken as already prefixed.
            No code gives the number as it is, with a warning.""",
            "{ transform: 'compute', fn: 'joinPhone',"
            " paths: ['mobile_code', 'mobile'] }"
            " — {mobile_code: '+966', mobile: 501234567} gives '+966501234567'",
            _join_phone,
        ),
        _fn(
            "localizedName",
            (
                _ONE_PATH,
                FnArg("locale", ArgKind.TEXT, "preferred locale", False, default="ar"),
            ),
            """A name from an object of names by locale ({ar, en}). Gives the
            preferred locale's name when it is not empty, otherwise the first
            non-empty one, with a warning. A plain text name passes unchanged.""",
            "{ transform: 'compute', fn: 'localizedName', path: 'name', locale: 'en' }"
            " — {name: {ar: 'قميص', en: 'Shirt'}} gives 'Shirt'",
            _localized_name,
        ),
        _fn(
            "splitName",
            (
                _ONE_PATH,
                FnArg("part", ArgKind.TEXT, "which part", choices=("first", "last")),
            ),
            """The first word of a full name (part: 'first'), or the rest of it
            (part: 'last'; null for a one-word name). Runs of spaces count as
            one.""",
            "{ transform: 'compute', fn: 'splitName', path: 'name', part: 'last' }"
            " — {name: 'Sara Al Harbi'} gives 'Al Harbi'",
            _split_name,
        ),
        _fn(
            "concat",
            (
                FnArg("paths", ArgKind.PATHS, "the values to join"),
                FnArg(
                    "separator",
                    ArgKind.TEXT,
                    "text between values",
                    False,
                    default=" ",
                ),
            ),
            """The values written as text and joined by the separator, skipping
            missing, null and empty ones; null when all are empty. Numbers are
            written as toString writes them.""",
            "{ transform: 'compute', fn: 'concat', paths: ['first_name', 'last_name'] }"
            " — {first_name: 'Sara', last_name: 'Ali'} gives 'Sara Ali'",
            _concat,
        ),
        _fn(
            "template",
            (FnArg("template", ArgKind.TEMPLATE, "text with {path} placeholders"),),
            """Text with each {path} placeholder replaced by the value it reads
            (written as toString writes it; missing or null gives nothing). Write
            {{ and }} for literal braces.""",
            "{ transform: 'compute', fn: 'template', template: '#{reference_id}' }"
            " — {reference_id: 41027662} gives '#41027662'",
            _template,
        ),
        _fn(
            "lowercase",
            (_ONE_PATH,),
            "The text in lower case (for emails and codes).",
            "{ transform: 'compute', fn: 'lowercase', path: 'email' }"
            " — {email: 'A@B.example'} gives 'a@b.example'",
            _lowercase,
        ),
        _fn(
            "trim",
            (_ONE_PATH,),
            "The text without leading and trailing white space.",
            "{ transform: 'compute', fn: 'trim', path: 'name' }"
            " — {name: ' Sara '} gives 'Sara'",
            _trim,
        ),
        _fn(
            "toIsoDate",
            (
                _ONE_PATH,
                FnArg(
                    "timezone",
                    ArgKind.TEXT,
                    "zone of times written without one (e.g. Asia/Riyadh)",
                    False,
                ),
            ),
            """An ISO 8601 UTC time ('2026-01-30T12:56:02Z') from a Salla date
            object {date, timezone}, a text such as '2026-01-30 15:56:02' or
            '2026-01-30T12:56:02Z', or a Unix timestamp in seconds or
            milliseconds. A time with no zone and no timezone argument is written
            without an offset, with a warning.""",
            "{ transform: 'compute', fn: 'toIsoDate', path: 'date' }"
            " — {date: {date: '2026-01-30 15:56:02.000000', timezone: 'Asia/Riyadh'}}"
            " gives '2026-01-30T12:56:02Z'",
            _to_iso_date,
        ),
        _fn(
            "moneyAmount",
            (_ONE_PATH,),
            """The number in a money value: a number, a numeric text, a text with a
            currency ('124.15 SAR', 'SAR 1,234.50') or an object with 'amount'
            ({amount, currency}). Anything else gives null with a warning.""",
            "{ transform: 'compute', fn: 'moneyAmount', path: 'total' }"
            " — {total: '124.15 SAR'} gives 124.15",
            _money_amount,
        ),
    )
}
