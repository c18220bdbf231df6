"""The label selector string grammar: `parse_selector`.

Models the lexer and parser of k8s.io/apimachinery/pkg/labels/selector.go (Parse) for
Kubernetes 1.32: exactly upstream's grammar (`a=b,c!=d,e in (x,y),f notin (z),g,!h`, `==`,
`x>1`, `x<1`), with upstream's error texts including the `unable to parse requirement: ...`
wrapping. Parsed value sets are sorted and de-duplicated; results are cached (parsing is pure).
"""

from __future__ import annotations

from functools import lru_cache

from sim.api.labels.requirement import (
    _BINARY_OPERATORS,
    DOES_NOT_EXIST,
    DOUBLE_EQUALS,
    EQUALS,
    EXISTS,
    GREATER_THAN,
    IN,
    LESS_THAN,
    NOT_EQUALS,
    NOT_IN,
    Requirement,
    SelectorError,
    _key_error,
    new_requirement,
)
from sim.api.labels.selector import Selector

(_ERROR, _EOS, _CPAR, _COMMA, _NOT, _DEQ, _EQ, _GT, _ID, _IN, _LT, _NEQ, _NOTIN, _OPAR) = range(14)
_STRING_TO_TOKEN = {
    ")": _CPAR,
    ",": _COMMA,
    "!": _NOT,
    "==": _DEQ,
    "=": _EQ,
    ">": _GT,
    "in": _IN,
    "<": _LT,
    "!=": _NEQ,
    "notin": _NOTIN,
    "(": _OPAR,
}
_OPERATOR_TOKENS = {
    _IN: IN,
    _EQ: EQUALS,
    _DEQ: DOUBLE_EQUALS,
    _GT: GREATER_THAN,
    _LT: LESS_THAN,
    _NOTIN: NOT_IN,
    _NEQ: NOT_EQUALS,
}
_SPECIAL = frozenset("=!(),><")
_WHITESPACE = frozenset(" \t\r\n")
_KEY_AND_OPERATOR, _VALUES = 0, 1
Token = tuple[int, str]


class _Lexer:
    """upstream labels.Lexer; a NUL byte reads as end of input, as in Go."""

    def __init__(self, s: str) -> None:
        self.s, self.pos = s, 0

    def read(self) -> str:
        if self.pos < len(self.s):
            self.pos += 1
            return self.s[self.pos - 1]
        return "\0"

    def lex(self) -> Token:
        ch = self.read()
        while ch in _WHITESPACE:
            ch = self.read()
        if ch == "\0":
            return _EOS, ""
        self.pos -= 1
        return self._special() if ch in _SPECIAL else self._identifier()

    def _identifier(self) -> Token:
        buf = []
        while True:
            ch = self.read()
            if ch == "\0":
                break
            if ch in _SPECIAL or ch in _WHITESPACE:
                self.pos -= 1
                break
            buf.append(ch)
        s = "".join(buf)
        return _STRING_TO_TOKEN.get(s, _ID), s

    def _special(self) -> Token:
        buf, last = "", (_ERROR, "")
        while True:
            ch = self.read()
            if ch == "\0":
                break
            if ch not in _SPECIAL:
                self.pos -= 1
                break
            buf += ch
            if buf in _STRING_TO_TOKEN:
                last = (_STRING_TO_TOKEN[buf], buf)
            elif last[0] != _ERROR:
                self.pos -= 1
                break
        if last[0] == _ERROR:
            return _ERROR, f"error expected: keyword found '{buf}'"
        return last


class _Parser:
    """upstream labels.Parser: recursive descent over the scanned tokens."""

    def __init__(self, text: str) -> None:
        lexer, self.items, self.position = _Lexer(text), [], 0
        while True:
            tok = lexer.lex()
            self.items.append(tok)
            if tok[0] == _EOS:
                break

    def lookahead(self, context: int) -> Token:
        tok, lit = self.items[self.position]
        if context == _VALUES and tok in (_IN, _NOTIN):
            tok = _ID
        return tok, lit

    def consume(self, context: int) -> Token:
        self.position += 1
        tok, lit = self.items[self.position - 1]
        if context == _VALUES and tok in (_IN, _NOTIN):
            tok = _ID
        return tok, lit

    def parse(self) -> list[Requirement]:
        reqs: list[Requirement] = []
        while True:
            tok, lit = self.lookahead(_VALUES)
            if tok == _EOS:
                return reqs
            if tok not in (_ID, _NOT):
                raise SelectorError(f"found '{lit}', expected: !, identifier, or 'end of string'")
            try:
                reqs.append(self.requirement())
            except SelectorError as err:
                raise SelectorError(f"unable to parse requirement: {err}") from None
            tok, lit = self.consume(_VALUES)
            if tok == _EOS:
                return reqs
            if tok != _COMMA:
                raise SelectorError(f"found '{lit}', expected: ',' or 'end of string'")
            tok, lit = self.lookahead(_VALUES)
            if tok not in (_ID, _NOT):
                raise SelectorError(f"found '{lit}', expected: identifier after ','")

    def requirement(self) -> Requirement:
        key, op = self.key_and_inferred_operator()
        if op in (EXISTS, DOES_NOT_EXIST):
            return new_requirement(key, op, [])
        tok, lit = self.consume(_KEY_AND_OPERATOR)
        if tok not in _OPERATOR_TOKENS:
            expected = ", ".join(_BINARY_OPERATORS)
            raise SelectorError(f"found '{lit}', expected: {expected}")
        op = _OPERATOR_TOKENS[tok]
        values = self.value_set() if op in (IN, NOT_IN) else self.exact_value()
        return new_requirement(key, op, sorted(values))

    def key_and_inferred_operator(self) -> tuple[str, str]:
        op = ""
        tok, lit = self.consume(_VALUES)
        if tok == _NOT:
            op = DOES_NOT_EXIST
            tok, lit = self.consume(_VALUES)
        if tok != _ID:
            raise SelectorError(f"found '{lit}', expected: identifier")
        err = _key_error(lit, "<nil>")  # upstream passes a nil *field.Path here
        if err:
            raise SelectorError(err)
        if self.lookahead(_VALUES)[0] in (_EOS, _COMMA) and op != DOES_NOT_EXIST:
            op = EXISTS
        return lit, op

    def value_set(self) -> set[str]:
        tok, lit = self.consume(_VALUES)
        if tok != _OPAR:
            raise SelectorError(f"found '{lit}' expected: '('")
        tok, lit = self.lookahead(_VALUES)
        if tok in (_ID, _COMMA):
            values = self.identifiers()
            if self.consume(_VALUES)[0] != _CPAR:
                raise SelectorError(f"found '{lit}', expected: ')'")
            return values
        if tok == _CPAR:
            self.consume(_VALUES)
            return {""}
        raise SelectorError(f"found '{lit}', expected: ',', ')' or identifier")

    def identifiers(self) -> set[str]:
        values: set[str] = set()
        while True:
            tok, lit = self.consume(_VALUES)
            if tok == _ID:
                values.add(lit)
                tok2, lit2 = self.lookahead(_VALUES)
                if tok2 == _CPAR:
                    return values
                if tok2 != _COMMA:
                    raise SelectorError(f"found '{lit2}', expected: ',' or ')'")
            elif tok == _COMMA:
                if not values:
                    values.add("")  # "(,"
                tok2 = self.lookahead(_VALUES)[0]
                if tok2 == _CPAR:
                    values.add("")  # ",)"
                    return values
                if tok2 == _COMMA:
                    values.add("")  # ",,"
            else:
                raise SelectorError(f"found '{lit}', expected: ',', or identifier")

    def exact_value(self) -> set[str]:
        if self.lookahead(_VALUES)[0] in (_EOS, _COMMA):
            return {""}
        tok, lit = self.consume(_VALUES)
        if tok == _ID:
            return {lit}
        raise SelectorError(f"found '{lit}', expected: identifier")


@lru_cache(maxsize=4096)
def parse_selector(text: str) -> Selector:
    """upstream labels.Parse: a selector from its string form, or SelectorError."""
    return Selector(_Parser(text).parse())
