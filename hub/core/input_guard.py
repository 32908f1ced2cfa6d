"""Every request's raw input checked once, before a handler sees it (Litestar ``before_request``).

What it refuses, and how (the problem names the field by its JSON path, e.g. ``payment.amount``):
- a body that is not UTF-8 or not JSON, or nested deeper than ``MAX_DEPTH`` — 400;
- a body larger than ``MAX_BODY`` bytes — 413 (Litestar's ``request_max_body_size``);
- NUL in any string or key of the body, the query or the path; a JSON float anywhere (money and
  percentages travel as decimal strings) — 422;
- a body that does not match the handler's type under *strict* decoding ("12" for a number,
  "yes" for a boolean) — 422;
- decimals written otherwise than ASCII digits with a point ("1e3", "１２", "NaN"), or outside the bounds
  their type declares (``pricing.fields``): more than two fractional digits, out of range — 422; dates
  outside ``pricing.fields.DATE_RANGE`` — 422;
- a query or path integer that is not plain ASCII digits or lies beyond ±``MAX_INT`` (the id columns
  are 32-bit), a query date outside ``DATE_RANGE``, a query value longer than ``MAX_QUERY_VALUE``
  characters — 422; a blank body where one is expected — 400.
Nothing is written before these checks pass.
"""
from __future__ import annotations

import functools
import re
from collections import OrderedDict
from datetime import date
from decimal import Decimal
from typing import Any

import msgspec
import msgspec.inspect as mi
from litestar import Request

from pricing.fields import AMOUNT_MAX, DATE_RANGE

from hub.core.exceptions import InvalidField, Malformed
from hub.core.problems import split_validation

MAX_BODY = 1_000_000
MAX_DEPTH = 32
MAX_QUERY_VALUE = 1000
MAX_INT = 2_147_483_647


def _malformed(message: str) -> Malformed:
    return Malformed(message)


async def check_input(request: Request[Any, Any, Any]) -> None:
    parameters = request.route_handler.parsed_fn_signature.parameters
    _check_path_and_query(request, parameters)
    data = parameters.get("data")
    if data is None:
        return
    body = await request.body()
    if not body.strip():
        raise _malformed("a JSON body is required")
    decode_body(body, data.annotation)


def decode_body(body: bytes, kind: Any) -> Any:
    """``body`` as ``kind`` after every check above (the API's guard and the CLI's input alike). The checks are
    a pure function of the bytes and the type, so a small body that passed them lately is only decoded
    (issue 15: the same quote asked again skips the walk over it)."""
    key = (kind, body) if len(body) <= PASSED_BODY_BYTES else None
    if key is not None and key in _PASSED:
        try:
            _PASSED.move_to_end(key)
        except KeyError:  # forgotten meanwhile by another thread: decode as the checks left it anyway
            pass
        return msgspec.json.decode(body, type=kind, strict=True)
    value = _checked(body, kind)
    if key is not None:
        _PASSED[key] = None
        while len(_PASSED) > PASSED_BODIES:
            try:
                _PASSED.popitem(last=False)
            except KeyError:
                break
    return value


PASSED_BODY_BYTES, PASSED_BODIES = 16_384, 1_024
_PASSED: OrderedDict[tuple[Any, bytes], None] = OrderedDict()


def _checked(body: bytes, kind: Any) -> Any:
    try:
        raw = msgspec.json.decode(body)
    except RecursionError:
        raise _malformed(f"the body is nested too deeply (at most {MAX_DEPTH} levels)") from None
    except msgspec.DecodeError as exc:
        if "out of range" in str(exc):
            raise _number_out_of_range(body) from None
        what = "not valid UTF-8" if "UTF-8" in str(exc) else f"not valid JSON ({exc})"
        raise _malformed(f"the body is {what}") from None
    _check_raw(raw, "", 0)
    try:
        value = msgspec.json.decode(body, type=kind, strict=True)
    except msgspec.ValidationError as exc:
        field, message = split_validation(exc)
        raise InvalidField(field, message) from None
    _check_bounds(raw, _info(kind), "")
    return value


def _number_out_of_range(body: bytes) -> InvalidField:
    """msgspec cannot hold an integer beyond 64 bits; find where it is (the stdlib can) and name it."""
    import json

    def find(value: Any, path: str) -> str | None:
        if isinstance(value, int) and not isinstance(value, bool) and abs(value) > 2 ** 63:
            return path or "body"
        items = value.items() if isinstance(value, dict) else enumerate(value) if isinstance(value, list) else ()
        for key, item in items:
            found = find(item, f"{path}[{key}]" if isinstance(key, int) else (f"{path}.{key}" if path else key))
            if found:
                return found
        return None

    try:
        where = find(json.loads(body), "") or "body"
    except (ValueError, RecursionError):
        where = "body"
    return InvalidField(where, "a number far out of range")


def _check_path_and_query(request: Request[Any, Any, Any], parameters: dict[str, Any]) -> None:
    segments = request.url.path.split("/")
    for name, value in request.path_params.items():
        if isinstance(value, str) and "\x00" in value:
            raise InvalidField(name, "a NUL character is not allowed")
        if isinstance(value, int) and not isinstance(value, bool):
            # the route's int converter also reads "+7", "1_000" and other scripts' digits: only plain ones pass
            if str(value) not in segments or not -MAX_INT <= value <= MAX_INT:
                raise InvalidField(name, f"a whole number in ASCII digits, at most {MAX_INT}")
    for name, value in request.query_params.multi_items():
        if "\x00" in value:
            raise InvalidField(name, "a NUL character is not allowed")
        if len(value) > MAX_QUERY_VALUE:
            raise InvalidField(name, f"at most {MAX_QUERY_VALUE} characters")
        parameter = parameters.get(name)
        kind = _scalar(parameter.annotation) if parameter is not None else None
        if kind is int:
            digits = value[1:] if value.startswith("-") else value
            if not (digits.isascii() and digits.isdigit() and len(digits) <= 10 and abs(int(value)) <= MAX_INT):
                raise InvalidField(name, f"a whole number in ASCII digits, at most {MAX_INT}")
        elif kind is date:
            try:
                day = date.fromisoformat(value)
            except ValueError:
                raise InvalidField(name, "a date, YYYY-MM-DD") from None
            if not DATE_RANGE[0] <= day <= DATE_RANGE[1]:
                raise InvalidField(name, f"a date from {DATE_RANGE[0]} to {DATE_RANGE[1]}")


def _scalar(annotation: Any) -> Any:
    """int for ``int`` and ``int | None``; date likewise; else the annotation itself."""
    options = [a for a in (getattr(annotation, "__args__", None) or (annotation,)) if a is not type(None)]
    return options[0] if len(options) == 1 else annotation


def _check_raw(value: Any, path: str, depth: int) -> None:
    """Depth, NUL and floats, over the body as decoded to builtins."""
    if depth > MAX_DEPTH:
        raise _malformed(f"the body is nested too deeply (at most {MAX_DEPTH} levels)")
    if isinstance(value, str):
        if "\x00" in value:
            raise InvalidField(path or "body", "a NUL character is not allowed")
    elif isinstance(value, float):
        raise InvalidField(path or "body", "numbers with a fraction are sent as decimal strings, e.g. \"38652.50\"")
    elif isinstance(value, dict):
        for key, item in value.items():
            if "\x00" in key:
                raise InvalidField(path or "body", "a NUL character is not allowed in a key")
            _check_raw(item, f"{path}.{key}" if path else key, depth + 1)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            _check_raw(item, f"{path}[{index}]", depth + 1)


@functools.lru_cache(maxsize=256)
def _info(annotation: Any) -> mi.Type:
    return mi.type_info(annotation)


def _check_bounds(value: Any, info: mi.Type, path: str) -> None:
    """Decimals and dates against their declared bounds (the body already decoded strictly)."""
    extra: dict[str, Any] = {}
    if isinstance(info, mi.Metadata):
        extra, info = info.extra or {}, info.type
    if isinstance(info, mi.DecimalType):
        _check_decimal(value, extra, path)
    elif isinstance(info, mi.DateType) and isinstance(value, str):
        day = date.fromisoformat(value)
        if not DATE_RANGE[0] <= day <= DATE_RANGE[1]:
            raise InvalidField(path, f"a date from {DATE_RANGE[0]} to {DATE_RANGE[1]}")
    elif isinstance(info, mi.StructType) and isinstance(value, dict):
        for field in info.fields:
            if field.encode_name in value:
                name = f"{path}.{field.encode_name}" if path else field.encode_name
                _check_bounds(value[field.encode_name], field.type, name)
    elif isinstance(info, (mi.ListType, mi.SetType, mi.FrozenSetType, mi.VarTupleType)) and isinstance(value, list):
        for index, item in enumerate(value):
            _check_bounds(item, info.item_type, f"{path}[{index}]")
    elif isinstance(info, mi.DictType) and isinstance(value, dict):
        for key, item in value.items():
            _check_bounds(item, info.value_type, f"{path}.{key}" if path else key)
    elif isinstance(info, mi.UnionType) and value is not None:
        for option in info.types:
            _check_bounds(value, option, path)


_DECIMAL_TEXT = re.compile(r"-?[0-9]+(?:\.[0-9]+)?")


def _check_decimal(value: Any, extra: dict[str, Any], path: str) -> None:
    if isinstance(value, bool) or not isinstance(value, (str, int)):
        return
    if isinstance(value, str) and not _DECIMAL_TEXT.fullmatch(value):  # Decimal() reads "1e3", "１２", "NaN" too
        raise InvalidField(path, 'a decimal number written with ASCII digits and a point, such as "3890.00"')
    number = Decimal(value)  # plain digits or an int: always a finite number
    low, high = Decimal(extra.get("min", -AMOUNT_MAX)), Decimal(extra.get("max", AMOUNT_MAX))
    places = int(extra.get("places", 2))
    if number.as_tuple().exponent < -places:  # type: ignore[operator]
        raise InvalidField(path, f"at most {places} fractional digits")
    if not low <= number <= high:
        raise InvalidField(path, f"between {low} and {high}")
