"""Exact numbers: shares and thresholds as fractions, square roots as 12-significant-digit decimals."""

from __future__ import annotations

import decimal
import functools
import re
from fractions import Fraction

from .errors import GovernanceError

SQRT_CONTEXT = decimal.Context(prec=12, rounding=decimal.ROUND_HALF_EVEN)
# Shares and weights are small numbers written by people; anything longer is a mistake (or costly to count with).
LONGEST_TEXT = 30
LARGEST = 10**15
FINEST = 10**6  # weights are exact to a millionth

_FRACTION = re.compile(r"^\s*(\d+)\s*/\s*(\d+)\s*$")
_DECIMAL = re.compile(r"^\s*(\d+(?:\.\d+)?|\.\d+)\s*(%?)\s*$")


def parse_fraction(value: object, *, path: str, what: str) -> Fraction:
    """Read "2/3", "0.9", "90%", 1 or 0.9 exactly (a JSON float is read as the decimal it was written as)."""
    if isinstance(value, bool):
        raise GovernanceError(
            f'Give {what} as a fraction like "2/3" or a decimal like "0.9", not true or false.', path=path
        )
    if isinstance(value, int):
        if abs(value) > LARGEST:
            raise GovernanceError(f"{what.capitalize()} is far too large.", path=path)
        return Fraction(value)
    if isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            raise GovernanceError(f"Give {what} as a finite number.", path=path)
        return Fraction(repr(value))
    if isinstance(value, str):
        if len(value) > LONGEST_TEXT:
            raise GovernanceError(
                f'Write {what} with at most {LONGEST_TEXT} characters, like "2/3" or "0.9".', path=path
            )
        match = _FRACTION.match(value)
        if match:
            numerator, denominator = int(match[1]), int(match[2])
            if denominator == 0:
                raise GovernanceError(f'{what.capitalize()} "{value}" divides by zero.', path=path)
            return Fraction(numerator, denominator)
        match = _DECIMAL.match(value)
        if match:
            number = Fraction(match[1])
            return number / 100 if match[2] else number
    raise GovernanceError(
        f'Give {what} as a fraction like "2/3", a decimal like "0.9" or a percentage like "90%".', path=path
    )


@functools.lru_cache(maxsize=4096)
def sqrt_weight(size: int) -> Fraction:
    """The square root of a size, to 12 significant digits, held exactly from there on."""
    return Fraction(decimal.Decimal(size).sqrt(SQRT_CONTEXT))


def show(number: Fraction | int) -> str:
    """A count or weight as people read it: 14, or 6.324555 (shown to 6 decimals; the arithmetic stays exact)."""
    number = Fraction(number)
    if number.denominator == 1:
        return str(number.numerator)
    shown = decimal.Decimal(number.numerator) / decimal.Decimal(number.denominator)
    text = f"{shown.quantize(decimal.Decimal('0.000001'), rounding=decimal.ROUND_HALF_EVEN):f}"
    return text.rstrip("0").rstrip(".")


def show_exact(number: Fraction) -> str:
    """A threshold or quorum as written in a rule: "2/3", "9/10", "1"."""
    return str(number.numerator) if number.denominator == 1 else f"{number.numerator}/{number.denominator}"


def show_share(share: Fraction) -> str:
    """ "90%" when the share is a whole percentage, otherwise the exact fraction "2/3" (never "66.6%" for a
    threshold or quorum: 66.6% does not reach 2/3)."""
    return percent(share) if (share * 100).denominator == 1 else show_exact(share)


def percent(number: Fraction) -> str:
    """A share as a percentage, rounded down so that "67%" is never claimed for 66.7%.

    Whole percentages where exact ("90%"), one decimal otherwise ("66.6%").
    """
    hundredfold = number * 100
    if hundredfold.denominator == 1:
        return f"{hundredfold.numerator}%"
    tenths = (hundredfold * 10).numerator // (hundredfold * 10).denominator
    return f"{tenths // 10}.{tenths % 10}%"


def check_weight(weight: Fraction, *, path: str) -> Fraction:
    """A unit's weight: above 0 and at most a million, written so that the sum of many stays quick to count."""
    if weight <= 0:
        raise GovernanceError("A weight must be more than 0.", path=path)
    if weight > 10**6:
        raise GovernanceError("A weight must be at most 1,000,000.", path=path)
    # Decimals to six places, or fractions over at most 1,000: the sums of many such weights stay small numbers.
    if (weight * FINEST).denominator != 1 and weight.denominator > 1000:
        raise GovernanceError(
            "Give a weight to at most six decimal places, or as a fraction with a denominator up to 1,000.", path=path
        )
    return weight
