"""sim.api.quantity against the tables of upstream quantity_test.go (Kubernetes 1.32)."""

from __future__ import annotations

import copy
import pickle
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sim.api.quantity import (
    ERR_FORMAT_WRONG,
    ERR_NUMERIC,
    ERR_SUFFIX,
    Format,
    Quantity,
    QuantityError,
    canonical,
    cpu_milli,
    memory_bytes,
    parse_quantity,
)

BIN, DEC, EXP = Format.BINARY_SI, Format.DECIMAL_SI, Format.DECIMAL_EXPONENT
MAX_INT64 = (1 << 63) - 1


def dec(i: int, exponent: int) -> Fraction:
    """upstream decQuantity's value: i * 10**exponent."""
    return Fraction(i) * Fraction(10) ** exponent


# upstream TestQuantityParse: input -> (value, format)
PARSE_TABLE = [
    ("0", dec(0, 0), DEC),
    ("0n", dec(0, 0), DEC),
    ("0u", dec(0, 0), DEC),
    ("0m", dec(0, 0), DEC),
    ("0Ki", dec(0, 0), BIN),
    ("0k", dec(0, 0), DEC),
    ("0Mi", dec(0, 0), BIN),
    ("0M", dec(0, 0), DEC),
    ("0Gi", dec(0, 0), BIN),
    ("0G", dec(0, 0), DEC),
    ("0Ti", dec(0, 0), BIN),
    ("0T", dec(0, 0), DEC),
    ("1", dec(1, 0), DEC),
    ("1Ki", dec(1024, 0), BIN),
    ("8Ki", dec(8 * 1024, 0), BIN),
    ("7Mi", dec(7 * 1024**2, 0), BIN),
    ("6Gi", dec(6 * 1024**3, 0), BIN),
    ("5Ti", dec(5 * 1024**4, 0), BIN),
    ("4Pi", dec(4 * 1024**5, 0), BIN),
    ("3Ei", dec(3 * 1024**6, 0), BIN),
    ("10Ti", dec(10 * 1024**4, 0), BIN),
    ("100Ti", dec(100 * 1024**4, 0), BIN),
    ("5n", dec(5, -9), DEC),
    ("4u", dec(4, -6), DEC),
    ("3m", dec(3, -3), DEC),
    ("9", dec(9, 0), DEC),
    ("8k", dec(8, 3), DEC),
    ("50k", dec(5, 4), DEC),
    ("7M", dec(7, 6), DEC),
    ("6G", dec(6, 9), DEC),
    ("5T", dec(5, 12), DEC),
    ("40T", dec(4, 13), DEC),
    ("300T", dec(3, 14), DEC),
    ("2P", dec(2, 15), DEC),
    ("1E", dec(1, 18), DEC),
    ("1E-3", dec(1, -3), EXP),
    ("1e3", dec(1, 3), EXP),
    ("1E6", dec(1, 6), EXP),
    ("1e9", dec(1, 9), EXP),
    ("1E12", dec(1, 12), EXP),
    ("1e15", dec(1, 15), EXP),
    ("1E18", dec(1, 18), EXP),
    ("1e14", dec(1, 14), EXP),
    ("1e13", dec(1, 13), EXP),
    ("100.035k", dec(100035, 0), DEC),
    ("0.001", dec(1, -3), DEC),
    ("0.0005k", dec(5, -1), DEC),
    ("0.005", dec(5, -3), DEC),
    ("0.05", dec(5, -2), DEC),
    ("0.5", dec(5, -1), DEC),
    ("0.00050k", dec(5, -1), DEC),
    ("0.00500", dec(5, -3), DEC),
    ("0.05000", dec(5, -2), DEC),
    ("0.50000", dec(5, -1), DEC),
    ("0.5e0", dec(5, -1), EXP),
    ("0.5e-1", dec(5, -2), EXP),
    ("0.5e-2", dec(5, -3), EXP),
    ("10.035M", dec(10035, 3), DEC),
    ("1.2e3", dec(12, 2), EXP),
    ("1.3E+6", dec(13, 5), EXP),
    ("1.40e9", dec(14, 8), EXP),
    ("1.53E12", dec(153, 10), EXP),
    ("1.6e15", dec(16, 14), EXP),
    ("1.7E18", dec(17, 17), EXP),
    ("9.01", dec(901, -2), DEC),
    ("8.1k", dec(81, 2), DEC),
    ("7.123456M", dec(7123456, 0), DEC),
    ("6.987654321G", dec(6987654321, 0), DEC),
    ("5.444T", dec(5444, 9), DEC),
    ("40.1T", dec(401, 11), DEC),
    ("300.2T", dec(3002, 11), DEC),
    ("2.5P", dec(25, 14), DEC),
    ("1.01E", dec(101, 16), DEC),
    ("3.001n", dec(4, -9), DEC),
    ("1.1E-9", dec(2, -9), EXP),
    ("0.0000000001", dec(1, -9), DEC),
    ("0.0000000005", dec(1, -9), DEC),
    ("0.00000000050", dec(1, -9), DEC),
    ("0.5e-9", dec(1, -9), EXP),
    ("0.9n", dec(1, -9), DEC),
    ("0.00000012345", dec(124, -9), DEC),
    ("0.00000012354", dec(124, -9), DEC),
    ("9Ei", dec(MAX_INT64, 0), BIN),
    ("9223372036854775807Ki", dec(MAX_INT64, 0), BIN),
    ("12E", dec(12, 18), DEC),
    ("100.035Ki", dec(10243584, -2), BIN),
    ("0.5Mi", dec(512 * 1024, 0), BIN),
    ("0.05Gi", dec(536870912, -1), BIN),
    ("0.025Ti", dec(274877906944, -1), BIN),
    ("0.000000000001Ki", dec(2, -9), DEC),
    (".001", dec(1, -3), DEC),
    (".0001k", dec(100, -3), DEC),
    ("1.", dec(1, 0), DEC),
    ("1.G", dec(1, 9), DEC),
]
PARSE_IDS = [f"{text}-parses-exactly" for text, _, _ in PARSE_TABLE]


@pytest.mark.parametrize(("text", "value", "fmt"), PARSE_TABLE, ids=PARSE_IDS)
def test_parse_gives_upstream_value_and_format(text: str, value: Fraction, fmt: Format) -> None:
    q = parse_quantity(text)
    assert q.as_fraction() == value
    assert q.format == fmt


@pytest.mark.parametrize(("text", "value", "fmt"), PARSE_TABLE, ids=PARSE_IDS)
def test_negated_input_parses_to_negated_value_in_same_format(
    text: str, value: Fraction, fmt: Format
) -> None:
    q = parse_quantity("-" + text)
    assert q.as_fraction() == -value
    assert q.format == fmt


@pytest.mark.parametrize(("text", "value", "fmt"), PARSE_TABLE, ids=PARSE_IDS)
def test_explicit_plus_sign_changes_nothing(text: str, value: Fraction, fmt: Format) -> None:
    q = parse_quantity("+" + text)
    assert q.as_fraction() == value
    assert q.format == fmt


# upstream's invalid inputs, with the error each one yields
INVALID_TABLE = [
    ("", ERR_FORMAT_WRONG),
    ("1.1.M", ERR_FORMAT_WRONG),
    ("1+1.0M", ERR_FORMAT_WRONG),
    ("0.1mi", ERR_SUFFIX),
    ("0.1am", ERR_FORMAT_WRONG),
    ("aoeu", ERR_FORMAT_WRONG),
    (".5i", ERR_SUFFIX),
    ("1i", ERR_SUFFIX),
    ("-3.01i", ERR_SUFFIX),
    ("-3.01e-", ERR_SUFFIX),
    ("1e4294967297", ERR_SUFFIX),
    ("1E2147483648", ERR_SUFFIX),
    ("1E-2147483648", ERR_SUFFIX),
    (" 1", ERR_FORMAT_WRONG),
    ("1 ", ERR_FORMAT_WRONG),
    ("1ki", ERR_SUFFIX),
    ("1mi", ERR_SUFFIX),
    ("1gi", ERR_FORMAT_WRONG),
    ("1KI", ERR_FORMAT_WRONG),
    ("1ee3", ERR_SUFFIX),
    ("Non-Numeric", ERR_FORMAT_WRONG),
    ("Ei", ERR_NUMERIC),
    ("-Pi", ERR_NUMERIC),
    (".e-20", ERR_NUMERIC),
]


@pytest.mark.parametrize(
    ("text", "message"), INVALID_TABLE, ids=[f"{t!r}-is-rejected" for t, _ in INVALID_TABLE]
)
def test_malformed_input_raises_upstream_error_text(text: str, message: str) -> None:
    with pytest.raises(QuantityError) as err:
        parse_quantity(text)
    assert str(err.value) == message


def test_format_error_quotes_the_split_regular_expression() -> None:
    expected = (
        "quantities must match the regular expression "
        "'^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'"
    )
    assert ERR_FORMAT_WRONG == expected
    assert ERR_NUMERIC == "unable to parse numeric part of quantity"
    assert ERR_SUFFIX == "unable to parse quantity's suffix"


# inputs the scanner accepts although they hold no digits (upstream parses them as zero)
DIGITLESS = [("-", DEC), ("+", DEC), (".", DEC), ("-.", DEC), ("m", DEC), ("e3", EXP), ("Ki", BIN)]


@pytest.mark.parametrize(("text", "fmt"), DIGITLESS, ids=[f"{t}-is-zero" for t, _ in DIGITLESS])
def test_digitless_inputs_parse_as_zero(text: str, fmt: Format) -> None:
    q = parse_quantity(text)
    assert q.is_zero()
    assert q.format == fmt
    assert str(q) == "0"


# upstream TestQuantityString: (unscaled, exponent, format) -> canonical, alternate spelling
STRING_TABLE = [
    (1024**3, 0, BIN, "1Gi", "1024Mi"),
    (300 * 1024**2, 0, BIN, "300Mi", "307200Ki"),
    (6 * 1024, 0, BIN, "6Ki", ""),
    (1001 * 1024**3, 0, BIN, "1001Gi", "1025024Mi"),
    (1024**4, 0, BIN, "1Ti", "1024Gi"),
    (5, 0, BIN, "5", "5000m"),
    (500, -3, BIN, "500m", "0.5"),
    (1, 9, DEC, "1G", "1000M"),
    (1000, 6, DEC, "1G", "0.001T"),
    (1000000, 3, DEC, "1G", ""),
    (1000000000, 0, DEC, "1G", ""),
    (1, -3, DEC, "1m", "1000u"),
    (80, -3, DEC, "80m", ""),
    (1080, -3, DEC, "1080m", "1.08"),
    (108, -2, DEC, "1080m", "1080000000n"),
    (10800, -4, DEC, "1080m", ""),
    (300, 6, DEC, "300M", ""),
    (1, 12, DEC, "1T", ""),
    (1, 18, DEC, "1E", ""),
    (1, 21, DEC, "1e21", "1000E"),
    (5, 21, DEC, "5e21", "5000E"),
    (1, 24, DEC, "1e24", "1000000E"),
    (1, 70, BIN, "10e69", ""),
    (2, 70, BIN, "20e69", ""),
    (1, 72, BIN, "1e72", ""),
    (1234567, 6, DEC, "1234567M", ""),
    (1234567, -3, BIN, "1234567m", ""),
    (3, 3, DEC, "3k", ""),
    (1025, 0, BIN, "1025", ""),
    (0, 0, DEC, "0", ""),
    (0, 0, BIN, "0", ""),
    (1, 9, EXP, "1e9", ".001e12"),
    (1, -3, EXP, "1e-3", "0.001e0"),
    (1, -9, EXP, "1e-9", "1000e-12"),
    (80, -3, EXP, "80e-3", ""),
    (300, 6, EXP, "300e6", ""),
    (1, 12, EXP, "1e12", ""),
    (1, 3, EXP, "1e3", ""),
    (3, 3, EXP, "3e3", ""),
    (0, 0, EXP, "0", "00"),
    (1, -9, DEC, "1n", ""),
    (80, -9, DEC, "80n", ""),
    (1080, -9, DEC, "1080n", ""),
    (108, -8, DEC, "1080n", ""),
    (10800, -10, DEC, "1080n", ""),
    (1, -6, DEC, "1u", ""),
    (80, -6, DEC, "80u", ""),
    (1080, -6, DEC, "1080u", ""),
    (2**70, 0, BIN, "1180591620717411303424", ""),
]
STRING_IDS = [f"{m}e{e}-{f.value}-prints-{want}" for m, e, f, want, _ in STRING_TABLE]


@pytest.mark.parametrize(("m", "e", "fmt", "want", "alt"), STRING_TABLE, ids=STRING_IDS)
def test_string_is_upstream_canonical_form(
    m: int, e: int, fmt: Format, want: str, alt: str
) -> None:
    q = Quantity.from_scaled(m, e, fmt)
    assert str(q) == want
    assert q.canonical() == want


@pytest.mark.parametrize(("m", "e", "fmt", "want", "alt"), STRING_TABLE, ids=STRING_IDS)
def test_canonical_string_parses_back_to_itself(
    m: int, e: int, fmt: Format, want: str, alt: str
) -> None:
    q = parse_quantity(want)
    assert str(q) == want
    assert q == Quantity.from_scaled(m, e, fmt)


@pytest.mark.parametrize(
    ("m", "e", "fmt", "want", "alt"),
    [row for row in STRING_TABLE if row[4]],
    ids=[f"{row[4]}-prints-{row[3]}" for row in STRING_TABLE if row[4]],
)
def test_alternate_spelling_prints_canonically(
    m: int, e: int, fmt: Format, want: str, alt: str
) -> None:
    assert str(parse_quantity(alt)) == want


@pytest.mark.parametrize(
    ("m", "e", "fmt", "want", "alt"),
    [row for row in STRING_TABLE if row[0]],
    ids=[f"minus-{row[3]}" for row in STRING_TABLE if row[0]],
)
def test_negative_value_prints_with_a_minus(
    m: int, e: int, fmt: Format, want: str, alt: str
) -> None:
    assert str(-Quantity.from_scaled(m, e, fmt)) == "-" + want


@pytest.mark.parametrize("m", [2000, -2000], ids=["2000", "-2000"])
def test_binary_si_without_a_1024_factor_prints_plain_digits(m: int) -> None:
    assert str(Quantity.from_int(m, BIN)) == str(m)


@pytest.mark.parametrize(
    ("m", "e", "want"), [(1, -12, "1e-12"), (1, -10, "100e-12")], ids=["1e-12", "100e-12"]
)
def test_decimal_si_below_nano_falls_back_to_exponent_form(m: int, e: int, want: str) -> None:
    assert str(Quantity.from_scaled(m, e, DEC)) == want


# upstream TestQuantityParseEmit
EMIT_TABLE = [
    ("1Ki", "1Ki"),
    ("1Mi", "1Mi"),
    ("1Gi", "1Gi"),
    ("1024Mi", "1Gi"),
    ("1000M", "1G"),
    (".001Ki", "1024m"),
    (".000001Ki", "1024u"),
    (".000000001Ki", "1024n"),
    (".000000000001Ki", "2n"),
    ("0.5", "500m"),
    ("1.5Gi", "1536Mi"),
    ("1000Mi", "1000Mi"),
    ("0.1Gi", "107374182400m"),
    ("100m", "100m"),
    ("1e3", "1e3"),
]


@pytest.mark.parametrize(("text", "want"), EMIT_TABLE, ids=[f"{t}->{w}" for t, w in EMIT_TABLE])
def test_parse_then_print(text: str, want: str) -> None:
    assert str(parse_quantity(text)) == want
    assert canonical(text) == want
    assert str(parse_quantity("-" + text)) == "-" + want


# Inputs upstream's fast path judges canonical are kept verbatim by String(); canonical() is not
# fooled (kubernetes#138165 is this quirk, open upstream).
ECHO_TABLE = [
    ("1.500", "1500m"),
    ("1.001", "1001m"),
    ("1.441k", "1441"),
    ("+1Ki", "1Ki"),
    ("+100m", "100m"),
    ("0100m", "100m"),
    ("1E3", "1e3"),
    ("1.G", "1G"),
    ("-1.000001", "-1000001u"),
    ("05", "5"),
]


@pytest.mark.parametrize(
    ("text", "want"), ECHO_TABLE, ids=[f"{t}-is-echoed" for t, _ in ECHO_TABLE]
)
def test_string_echoes_inputs_upstream_caches(text: str, want: str) -> None:
    q = parse_quantity(text)
    assert str(q) == text
    assert q.canonical() == want
    assert canonical(text) == want


@pytest.mark.parametrize(
    "text",
    ["1.5", "1.50", "1.0000", "1000", "2048Ki", "0.5", "1.5Ki", "1e-5"],
    ids=lambda t: f"{t}-is-not",
)
def test_string_recomputes_inputs_upstream_does_not_cache(text: str) -> None:
    q = parse_quantity(text)
    assert str(q) == q.canonical()


def test_arithmetic_results_never_echo_input_text() -> None:
    q = parse_quantity("1.500") + parse_quantity("0")
    assert str(q) == "1500m"


# upstream TestQuantityCmp
@pytest.mark.parametrize(
    ("x", "y", "cmp"),
    [
        ("0", "0", 0),
        ("100m", "50m", 1),
        ("50m", "100m", -1),
        ("10000T", "100Gi", 1),
        ("1Ki", "1024", 0),
        ("1e-9", "1n", 0),
        ("1e1000", "1e999", 1),
        ("-1e1000", "1", -1),
        ("-1e1000", "-1e999", -1),
        ("1e2147483647", "9Ei", 1),
        ("123456789e100", "1e108", 1),
    ],
    ids=lambda v: str(v),
)
def test_comparison_orders_by_value(x: str, y: str, cmp: int) -> None:
    a, b = parse_quantity(x), parse_quantity(y)
    assert (a > b) - (a < b) == cmp
    assert (b > a) - (b < a) == -cmp
    assert (a == b) == (cmp == 0)
    assert (a <= b) == (cmp <= 0)
    assert (a >= b) == (cmp >= 0)


def test_equal_values_in_different_formats_are_equal_and_hash_alike() -> None:
    a, b = parse_quantity("1Ki"), parse_quantity("1024")
    assert a == b and hash(a) == hash(b)
    assert str(a) != str(b)
    assert len({a, b, parse_quantity("1.024k")}) == 1


def test_comparing_with_a_non_quantity_is_a_type_error() -> None:
    with pytest.raises(TypeError):
        _ = parse_quantity("1") < 2  # type: ignore[operator]


# upstream TestQuantityAddZeroPreservesSuffix / TestQuantitySubZeroPreservesSuffix
@pytest.mark.parametrize("text", ["100m", "1Gi"], ids=lambda t: f"{t}-keeps-suffix")
def test_adding_or_subtracting_zero_keeps_the_suffix(text: str) -> None:
    value, zero = parse_quantity(text), parse_quantity("0")
    assert str(value + zero) == text
    assert str(zero + value) == text
    assert str(value - zero) == text
    assert str(zero - value) == str(-value) == "-" + text


# upstream TestSub
@pytest.mark.parametrize(
    ("a", "b", "want", "fmt"),
    [
        ("10", "10", "0", DEC),
        ("10", "1", "9", DEC),
        ("10Ki", "1Ki", "9Ki", BIN),
        ("0", "50", "-50", DEC),
        ("50", "0", "50", DEC),
        ("1Gi", "1", "1073741823", BIN),
        ("500m", "1.5", "-1", DEC),
    ],
    ids=lambda v: str(v),
)
def test_subtraction_keeps_the_left_format_unless_left_is_zero(
    a: str, b: str, want: str, fmt: Format
) -> None:
    result = parse_quantity(a) - parse_quantity(b)
    assert str(result) == want
    assert result.format == fmt


def test_sum_of_quantities_is_exact_and_keeps_the_format() -> None:
    total = sum(parse_quantity(s) for s in ["100m", "200m", "0.7"])
    assert isinstance(total, Quantity)
    assert str(total) == "1"
    assert total.format == DEC
    assert str(sum([parse_quantity("512Mi"), parse_quantity("512Mi")])) == "1Gi"


def test_addition_across_far_exponents_is_exact() -> None:
    q = parse_quantity("1e30") + parse_quantity("1n")
    assert q.as_fraction() == Fraction(10**39 + 1, 10**9)


# upstream TestNewSet, TestMilliNewSet, TestNewScaledSet
@pytest.mark.parametrize(
    ("value", "fmt", "want"),
    [
        (1, DEC, "1"),
        (1000, DEC, "1k"),
        (1234000, DEC, "1234k"),
        (1024, BIN, "1Ki"),
        (1000000, EXP, "1e6"),
        (1024 * 1024, BIN, "1Mi"),
    ],
    ids=lambda v: str(v),
)
def test_from_int_prints_like_new_quantity(value: int, fmt: Format, want: str) -> None:
    q = Quantity.from_int(value, fmt)
    assert str(q) == want
    assert parse_quantity(str(q)).value() == value


@pytest.mark.parametrize(
    ("value", "fmt", "want"),
    [
        (1, DEC, "1m"),
        (1000, DEC, "1"),
        (1234000, DEC, "1234"),
        (1024, BIN, "1024m"),
        (1000000, EXP, "1e3"),
        (1024 * 1024, BIN, "1048576m"),
    ],
    ids=lambda v: str(v),
)
def test_from_milli_prints_like_new_milli_quantity(value: int, fmt: Format, want: str) -> None:
    q = Quantity.from_milli(value, fmt)
    assert str(q) == want
    assert parse_quantity(str(q)).milli_value() == value


@pytest.mark.parametrize(
    ("value", "scale", "want"),
    [
        (1, -9, "1n"),
        (1000, -9, "1u"),
        (1, -6, "1u"),
        (1000, -6, "1m"),
        (1, -3, "1m"),
        (1000, -3, "1"),
        (1, 0, "1"),
        (0, -9, "0"),
        (0, 0, "0"),
    ],
    ids=lambda v: str(v),
)
def test_from_scaled_prints_like_new_scaled_quantity(value: int, scale: int, want: str) -> None:
    assert str(Quantity.from_scaled(value, scale)) == want


# upstream TestNegativeValueRoundsAwayFromZero (the documented rule)
@pytest.mark.parametrize(
    ("text", "value", "milli"),
    [
        ("-.484785E-7466", -1, -1),
        (".484785E-7466", 1, 1),
        ("-.484785E-1", -1, -49),
        (".484785E-1", 1, 49),
        ("-0.0005", -1, -1),
        ("0.0005", 1, 1),
        ("-1500m", -2, -1500),
        ("1500m", 2, 1500),
        ("-9.5000000001Gi", -10200547329, -10200547328108),
        ("9.5000000001Gi", 10200547329, 10200547328108),
        ("-1", -1, -1000),
        ("1", 1, 1000),
        ("0", 0, 0),
    ],
    ids=lambda v: str(v),
)
def test_value_and_milli_value_round_away_from_zero(text: str, value: int, milli: int) -> None:
    q = parse_quantity(text)
    assert q.value() == value
    assert q.milli_value() == milli


@pytest.mark.parametrize(
    ("text", "value", "milli"),
    [
        ("1e30", MAX_INT64, MAX_INT64),
        ("-1e30", -(1 << 63), -(1 << 63)),
        ("9223372036854775807", MAX_INT64, MAX_INT64),
        ("1e2147483647", MAX_INT64, MAX_INT64),
        ("9Ei", MAX_INT64, MAX_INT64),
    ],
    ids=lambda v: str(v),
)
def test_value_saturates_at_int64_limits(text: str, value: int, milli: int) -> None:
    q = parse_quantity(text)
    assert q.value() == value
    assert q.milli_value() == milli


@pytest.mark.parametrize(
    ("value", "milli"),
    [("100m", 100), ("1", 1000), ("0.5", 500), ("1.5", 1500), ("250u", 1), (2, 2000), (0.25, 250)],
    ids=lambda v: f"cpu-{v}",
)
def test_cpu_milli_reads_requests_like_the_scheduler(value: str | int | float, milli: int) -> None:
    assert cpu_milli(value) == milli
    assert cpu_milli(parse_quantity(value)) == milli


@pytest.mark.parametrize(
    ("value", "nbytes"),
    [("1Gi", 1 << 30), ("128Mi", 128 << 20), ("1G", 10**9), ("1.5k", 1500), ("1m", 1), (512, 512)],
    ids=lambda v: f"mem-{v}",
)
def test_memory_bytes_rounds_up_to_whole_bytes(value: str | int, nbytes: int) -> None:
    assert memory_bytes(value) == nbytes


NUMBERS = [
    (0.1, "100m", DEC),
    (1e-05, "10e-6", EXP),
    (1.5e16, "15e15", EXP),
    (-0.0, "0", DEC),
    (3, "3", DEC),
    (10**30, "1e30", DEC),
]


@pytest.mark.parametrize(
    ("number", "text", "fmt"), NUMBERS, ids=[f"{n!r}-reads-as-{t}" for n, t, _ in NUMBERS]
)
def test_numbers_read_as_the_json_text_they_print_as(
    number: float | int, text: str, fmt: Format
) -> None:
    q = parse_quantity(number)
    assert q == parse_quantity(repr(number))
    assert q.canonical() == text
    assert q.format == fmt


@pytest.mark.parametrize("bad", [True, float("nan"), float("inf")], ids=repr)
def test_non_quantity_numbers_are_rejected(bad: object) -> None:
    with pytest.raises(QuantityError):
        parse_quantity(bad)  # type: ignore[arg-type]


def test_unsupported_types_are_a_type_error() -> None:
    with pytest.raises(TypeError):
        parse_quantity(None)  # type: ignore[arg-type]


def test_quantity_constructor_parses_and_shares_cached_instances() -> None:
    assert Quantity("250m") is parse_quantity("250m")
    assert Quantity() == parse_quantity("0")


def test_quantity_is_immutable() -> None:
    q = parse_quantity("1Gi")
    with pytest.raises(AttributeError):
        q._m = 5  # type: ignore[misc]
    with pytest.raises(AttributeError):
        q.extra = 1  # type: ignore[attr-defined]


def test_quantity_survives_copy_and_pickle() -> None:
    q = parse_quantity("+1Ki")
    assert copy.deepcopy(q) is q
    back = pickle.loads(pickle.dumps(q))
    assert back == q and str(back) == "+1Ki" and back.format == BIN


def test_huge_exponents_are_handled_without_expanding_them() -> None:
    q = parse_quantity("1e2147483647")
    assert str(q) == "10e2147483646"
    assert parse_quantity("1e-2147483647").as_fraction() == dec(1, -9)


def test_very_long_digit_strings_parse_exactly() -> None:
    digits = "7" * 6000
    q = parse_quantity(digits)
    assert str(q) == digits
    assert q.as_fraction() == int(digits[:4000]) * 10**2000 + int(digits[4000:])


# -- properties --------------------------------------------------------------------------------

SUFFIXES = ["", "n", "u", "m", "k", "M", "G", "T", "P", "E", "Ki", "Mi", "Gi", "Ti", "Pi", "Ei"]


@st.composite
def quantity_text(draw: st.DrawFn) -> str:
    sign = draw(st.sampled_from(["", "-", "+"]))
    whole = draw(st.integers(min_value=0, max_value=10**20))
    frac = draw(st.one_of(st.just(""), st.text("0123456789", min_size=1, max_size=12)))
    number = str(whole) + ("." + frac if frac else "")
    exponent = draw(st.integers(min_value=-40, max_value=40))
    suffix = draw(st.one_of(st.sampled_from(SUFFIXES), st.just(f"e{exponent}")))
    return sign + number + suffix


@given(quantity_text())
def test_printed_form_parses_back_to_the_same_value(text: str) -> None:
    q = parse_quantity(text)
    again = parse_quantity(str(q))
    assert again == q
    assert str(again) == str(q)
    assert parse_quantity(q.canonical()) == q
    assert canonical(q.canonical()) == q.canonical()


@given(quantity_text())
def test_parsed_values_are_whole_nano_units(text: str) -> None:
    assert (parse_quantity(text).as_fraction() * 10**9).denominator == 1


@given(quantity_text(), quantity_text())
def test_arithmetic_and_order_agree_with_fractions(a_text: str, b_text: str) -> None:
    a, b = parse_quantity(a_text), parse_quantity(b_text)
    fa, fb = a.as_fraction(), b.as_fraction()
    assert (a + b).as_fraction() == fa + fb
    assert (a - b).as_fraction() == fa - fb
    assert (a < b) == (fa < fb)
    assert (a == b) == (fa == fb)


@given(st.integers(min_value=-(10**15), max_value=10**15))
def test_milli_value_of_a_milli_quantity_is_exact(n: int) -> None:
    q = Quantity.from_milli(n)
    assert q.milli_value() == n
    assert parse_quantity(str(q)).milli_value() == n
