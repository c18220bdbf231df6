"""Tests for sim.apiserver.patch: JSON merge patch, JSON patch, strategic merge patch, PATCH.

Cases come from RFC 7386 (appendix A), RFC 6902 (appendix A), gopkg.in/evanphx/json-patch.v4
v4.12.0 patch.go (error texts and quirks the 1.32 apiserver serves) and
k8s.io/apimachinery/pkg/util/strategicpatch/patch_test.go (its two-way and three-way
applications, run against the same MergeItem schema registered here as a test kind).
"""

from __future__ import annotations

from typing import Any

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

import sim.apiserver.patch.meta as patch_meta_module
from sim.api.frozen import freeze, is_frozen
from sim.apiserver.patch import (
    GENERIC_INVALID,
    PATCH_META,
    POD_SPEC_RULES,
    POD_TEMPLATE_RULES,
    PatchError,
    Rules,
    apply_patch,
    at,
    json_merge_patch,
    json_patch,
    kind_rules,
    merge_key_for,
    strategic_merge_patch,
)

PROPERTY = settings(max_examples=150, deadline=None, print_blob=True)


def _expect(code: int, text: str, fn: Any, *args: Any) -> PatchError:
    """Call fn(*args), which must raise PatchError with `code` and `text` in its message."""
    with pytest.raises(PatchError) as info:
        fn(*args)
    assert info.value.code == code, str(info.value)
    assert text in str(info.value)
    return info.value


# ---------------------------------------------------------------------------------------------
# JSON merge patch: RFC 7386 appendix A
# ---------------------------------------------------------------------------------------------

RFC7386 = [
    ("replace a member", {"a": "b"}, {"a": "c"}, {"a": "c"}),
    ("add a member", {"a": "b"}, {"b": "c"}, {"a": "b", "b": "c"}),
    ("null deletes a member", {"a": "b"}, {"a": None}, {}),
    ("null deletes only that member", {"a": "b", "b": "c"}, {"a": None}, {"b": "c"}),
    ("a scalar replaces an array", {"a": ["b"]}, {"a": "c"}, {"a": "c"}),
    ("an array replaces a scalar", {"a": "c"}, {"a": ["b"]}, {"a": ["b"]}),
    (
        "objects merge recursively",
        {"a": {"b": "c"}},
        {"a": {"b": "d", "c": None}},
        {"a": {"b": "d"}},
    ),
    ("arrays are replaced whole", {"a": [{"b": "c"}]}, {"a": [1]}, {"a": [1]}),
    ("an array target is replaced", ["a", "b"], ["c", "d"], ["c", "d"]),
    ("an array patch replaces an object", {"a": "b"}, ["c"], ["c"]),
    ("a null patch replaces the document", {"a": "foo"}, None, None),
    ("a string patch replaces the document", {"a": "foo"}, "bar", "bar"),
    ("nulls in the target survive", {"e": None}, {"a": 1}, {"e": None, "a": 1}),
    ("an object patch on an array target", [1, 2], {"a": "b", "c": None}, {"a": "b"}),
    ("nulls inside new objects are dropped", {}, {"a": {"bb": {"ccc": None}}}, {"a": {"bb": {}}}),
]


@pytest.mark.parametrize(
    ("original", "patch", "expected"), [c[1:] for c in RFC7386], ids=[c[0] for c in RFC7386]
)
def test_json_merge_patch_rfc7386_examples(original: Any, patch: Any, expected: Any) -> None:
    assert json_merge_patch(original, patch) == expected


# ---------------------------------------------------------------------------------------------
# JSON patch: RFC 6902 appendix A, then evanphx/json-patch v4.12.0 behaviour
# ---------------------------------------------------------------------------------------------


def _op(op: str, path: str, value: Any = None, **extra: Any) -> dict[str, Any]:
    out = {"op": op, "path": path, **extra}
    if op in ("add", "replace", "test"):
        out["value"] = value
    return out


RFC6902_OK = [
    ("A.1 adding an object member", {"foo": "bar"}, [_op("add", "/baz", "qux")],
     {"baz": "qux", "foo": "bar"}),
    ("A.2 adding an array element", {"foo": ["bar", "baz"]}, [_op("add", "/foo/1", "qux")],
     {"foo": ["bar", "qux", "baz"]}),
    ("A.3 removing an object member", {"baz": "qux", "foo": "bar"}, [_op("remove", "/baz")],
     {"foo": "bar"}),
    ("A.4 removing an array element", {"foo": ["bar", "qux", "baz"]}, [_op("remove", "/foo/1")],
     {"foo": ["bar", "baz"]}),
    ("A.5 replacing a value", {"baz": "qux", "foo": "bar"}, [_op("replace", "/baz", "boo")],
     {"baz": "boo", "foo": "bar"}),
    ("A.6 moving a value",
     {"foo": {"bar": "baz", "waldo": "fred"}, "qux": {"corge": "grault"}},
     [{"op": "move", "from": "/foo/waldo", "path": "/qux/thud"}],
     {"foo": {"bar": "baz"}, "qux": {"corge": "grault", "thud": "fred"}}),
    ("A.7 moving an array element", {"foo": ["all", "grass", "cows", "eat"]},
     [{"op": "move", "from": "/foo/1", "path": "/foo/3"}],
     {"foo": ["all", "cows", "eat", "grass"]}),
    ("A.8 testing a value: success", {"baz": "qux", "foo": ["a", 2, "c"]},
     [_op("test", "/baz", "qux"), _op("test", "/foo/1", 2)],
     {"baz": "qux", "foo": ["a", 2, "c"]}),
    ("A.10 adding a nested member object", {"foo": "bar"},
     [_op("add", "/child", {"grandchild": {}})], {"foo": "bar", "child": {"grandchild": {}}}),
    ("A.11 ignoring unrecognized elements", {"foo": "bar"},
     [{"op": "add", "path": "/baz", "value": "qux", "xyz": 123}], {"foo": "bar", "baz": "qux"}),
    ("A.14 ~ escape ordering", {"/": 9, "~1": 10}, [_op("test", "/~01", 10)],
     {"/": 9, "~1": 10}),
    ("A.16 adding an array value", {"foo": ["bar"]}, [_op("add", "/foo/-", ["abc", "def"])],
     {"foo": ["bar", ["abc", "def"]]}),
    ("replace of an absent member adds it (v4)", {"metadata": {}},
     [_op("replace", "/metadata/name", "x")], {"metadata": {"name": "x"}}),
    ("negative index inserts from the end (v4)", {"a": [1, 2]}, [_op("add", "/a/-1", 9)],
     {"a": [1, 2, 9]}),
    ("negative index removes from the end (v4)", {"a": [1, 2, 3]}, [_op("remove", "/a/-1")],
     {"a": [1, 2]}),
    ("negative index replaces from the end (v4)", {"a": [1, 2, 3]},
     [_op("replace", "/a/-3", 0)], {"a": [0, 2, 3]}),
    ("~1 in a label key", {"metadata": {"labels": {}}},
     [_op("add", "/metadata/labels/app.kubernetes.io~1name", "web")],
     {"metadata": {"labels": {"app.kubernetes.io/name": "web"}}}),
    ("replace the whole document", {"a": 1}, [_op("replace", "", {"b": 2})], {"b": 2}),
    ("replacing the document with a scalar is ignored (v4)", {"a": 1},
     [_op("replace", "", 5)], {"a": 1}),
    ("test null matches an absent member", {"a": {}}, [_op("test", "/a/b", None)], {"a": {}}),
    ("test compares numbers by value", {"a": 1}, [_op("test", "/a", 1.0)], {"a": 1}),
    ("test the whole document", {"a": [1]}, [_op("test", "", {"a": [1]})], {"a": [1]}),
    ("copy into an array end", {"a": [1], "b": 2},
     [{"op": "copy", "from": "/b", "path": "/a/-"}], {"a": [1, 2], "b": 2}),
    ("copy of an absent member copies null (v4)", {"a": {}},
     [{"op": "copy", "from": "/a/x", "path": "/y"}], {"a": {}, "y": None}),
    ("add without a value adds null", {}, [{"op": "add", "path": "/a"}], {"a": None}),
    ("a null patch is no operations", {"a": 1}, None, {"a": 1}),
    ("an array document", [1, 2], [_op("add", "/0", 0)], [0, 1, 2]),
    ("operations see earlier ones", {},
     [_op("add", "/a", {}), _op("add", "/a/b", [1]), {"op": "move", "from": "/a/b", "path": "/c"}],
     {"a": {}, "c": [1]}),
]  # fmt: skip


@pytest.mark.parametrize(
    ("doc", "ops", "expected"), [c[1:] for c in RFC6902_OK], ids=[c[0] for c in RFC6902_OK]
)
def test_json_patch_applies(doc: Any, ops: Any, expected: Any) -> None:
    assert json_patch(doc, ops) == expected


RFC6902_ERRORS = [
    ("A.9 testing a value: error", {"baz": "qux"}, [_op("test", "/baz", "bar")],
     "testing value /baz failed: test failed"),
    ("A.12 adding to a nonexistent target", {"foo": "bar"}, [_op("add", "/baz/bat", "qux")],
     'add operation does not apply: doc is missing path: "/baz/bat": missing value'),
    ("A.15 comparing strings and numbers", {"/": 9, "~1": 10}, [_op("test", "/~01", "10")],
     "testing value /~01 failed: test failed"),
    ("replace under an absent parent", {"spec": {}}, [_op("replace", "/spec/foo/bar", 1)],
     "replace operation does not apply: doc is missing path: /spec/foo/bar: missing value"),
    ("replace past the end of an array", {"a": [1]}, [_op("replace", "/a/5", 1)],
     "replace operation does not apply: doc is missing key: /a/5: missing value"),
    ("remove an absent member", {"metadata": {}}, [_op("remove", "/metadata/x")],
     "error in remove for path: '/metadata/x': Unable to remove nonexistent key: x: "
     "missing value"),
    ("remove under an absent parent", {}, [_op("remove", "/a/b")],
     'remove operation does not apply: doc is missing path: "/a/b": missing value'),
    ("remove past the end of an array", {"a": [1]}, [_op("remove", "/a/1")],
     "error in remove for path: '/a/1': Unable to access invalid index: 1: "
     "invalid index referenced"),
    ("add past the end of an array", {"a": [1]}, [_op("add", "/a/5", 0)],
     "error in add for path: '/a/5': Unable to access invalid index: 5: invalid index referenced"),
    ("add at a non-numeric array index", {"a": [1]}, [_op("add", "/a/x", 0)],
     "error in add for path: '/a/x': value was not a proper array index: 'x': "
     'strconv.Atoi: parsing "x": invalid syntax'),
    ("add cannot target the whole document (v4)", {}, [_op("add", "", {})],
     'add operation does not apply: doc is missing path: "": missing value'),
    ("add through a scalar", {"a": 1}, [_op("add", "/a/b", 0)],
     'add operation does not apply: doc is missing path: "/a/b": missing value'),
    ("test under an absent parent", {}, [_op("test", "/a/b/c", 1)],
     "test operation does not apply: is missing path: /a/b/c: missing value"),
    ("test an absent member against a value", {"a": {}}, [_op("test", "/a/b", 1)],
     "testing value /a/b failed: test failed"),
    ("test a boolean against a number", {"a": True}, [_op("test", "/a", 1)],
     "testing value /a failed: test failed"),
    ("test out of an array's range", {"a": []}, [_op("test", "/a/0", 1)],
     "error in test for path: '/a/0': Unable to access invalid index: 0: invalid index referenced"),
    ("add without a path", {}, [{"op": "add", "value": 1}],
     "add operation failed to decode path: missing value"),
    ("replace without a path", {}, [{"op": "replace", "value": 1}],
     "replace operation failed to decode path: operation missing path field: missing value"),
    ("replace with a numeric path", {}, [{"op": "replace", "path": 3, "value": 1}],
     "replace operation failed to decode path: json: cannot unmarshal number into Go value of "
     "type string"),
    ("move without a from", {}, [{"op": "move", "path": "/a"}],
     "move operation failed to decode from: operation, missing from field: missing value"),
    ("move from under an absent parent", {}, [{"op": "move", "from": "/x/y", "path": "/a"}],
     "move operation does not apply: doc is missing from path: /x/y: missing value"),
    ("move an absent member", {"x": {}}, [{"op": "move", "from": "/x/y", "path": "/a"}],
     "error in move for path: 'y': Unable to remove nonexistent key: y: missing value"),
    ("move into its own child", {"a": {"b": 1}}, [{"op": "move", "from": "/a", "path": "/a/c"}],
     "move operation does not apply: doc is missing destination path: /a/c: missing value"),
    ("copy to under an absent parent", {"a": 1}, [{"op": "copy", "from": "/a", "path": "/x/y"}],
     "copy operation does not apply: doc is missing destination path: /x/y: missing value"),
    ("an unknown operation", {}, [{"op": "frobnicate", "path": "/a"}],
     "Unexpected kind: frobnicate"),
    ("an operation without op", {}, [{"path": "/a"}], "Unexpected kind: unknown"),
    ("a failing later operation fails the patch", {"a": 1},
     [_op("replace", "/a", 2), _op("test", "/a", 1)], "testing value /a failed: test failed"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("doc", "ops", "cause"), [c[1:] for c in RFC6902_ERRORS], ids=[c[0] for c in RFC6902_ERRORS]
)
def test_json_patch_failures_carry_the_library_text(doc: Any, ops: Any, cause: str) -> None:
    err = _expect(422, cause, json_patch, doc, ops)
    assert (err.reason, err.message, err.cause) == ("Invalid", GENERIC_INVALID, cause)
    assert str(err) == f"{GENERIC_INVALID}: {cause}"


@pytest.mark.parametrize(
    ("ops", "text"),
    [
        ({"op": "add"}, "json: cannot unmarshal object into Go value of type jsonpatch.Patch"),
        ("[]", "json: cannot unmarshal string into Go value of type jsonpatch.Patch"),
        (["add"], "json: cannot unmarshal string into Go value of type jsonpatch.Operation"),
    ],
    ids=["an object", "a string", "a list of strings"],
)
def test_json_patch_that_does_not_decode_is_a_bad_request(ops: Any, text: str) -> None:
    err = _expect(400, text, json_patch, {}, ops)
    assert (err.reason, err.message) == ("BadRequest", text)


# ---------------------------------------------------------------------------------------------
# Strategic merge patch: upstream patch_test.go cases on its MergeItem schema
# ---------------------------------------------------------------------------------------------


def _merge_item_rules(depth: int) -> Rules:
    """The tags of patch_test.go's MergeItem struct, unrolled `depth` levels deep."""
    own: Rules = (
        ("mergingList", "merge", "name"),
        ("mergingIntList", "merge", ""),
        ("mergeItemPtr", "merge", "name"),
        ("replacingItem", "replace", ""),
        ("retainKeysMap", "retainKeys", ""),
        ("retainKeysMap.mergingIntList", "merge", ""),
        ("retainKeysMap.mergingList", "merge", "name"),
        ("retainKeysMergingList", "merge,retainKeys", "name"),
    )
    if depth == 0:
        return own
    inner = _merge_item_rules(depth - 1)
    for where in ("mergingList[]", "nonMergingList[]", "mergeItemPtr", "mergeItemPtr[]",
                  "retainKeysMergingList[]", "retainKeysMap.mergingList[]"):  # fmt: skip
        own = own + at(where, inner)
    return own


@pytest.fixture
def merge_item_kind(monkeypatch: pytest.MonkeyPatch) -> str:
    """Registers patch_test.go's MergeItem as a kind, the way a new kind joins the table."""
    table = {**PATCH_META, **kind_rules("MergeItem", _merge_item_rules(2))}
    monkeypatch.setattr(patch_meta_module, "PATCH_META", table)
    return "MergeItem"


# Each case is one application from upstream: original + twoWay -> modified (or twoWayResult),
# current + threeWay -> result; ids are upstream's descriptions.
UPSTREAM_SMP = yaml.safe_load("""
- id: "unique scalars when merging lists"
  original: {mergingIntList: [1, 2]}
  patch: {mergingIntList: [2, 3]}
  expected: {mergingIntList: [1, 2, 3]}
- id: "delete map from nested map"
  original: {simpleMap: {key1: 1, key2: 1}}
  patch: {simpleMap: {$patch: delete}}
  expected: {simpleMap: {}}
- id: "delete all items from merging list"
  original: {mergingList: [{name: 1}, {name: 2}]}
  patch: {mergingList: [{$patch: replace}]}
  expected: {mergingList: []}
- id: "merge empty merging lists"
  original: {mergingList: []}
  patch: {mergingList: []}
  expected: {mergingList: []}
- id: "delete all keys from map"
  original: {name: 1, value: 1}
  patch: {$patch: replace}
  expected: {}
- id: "add key and delete all keys from map"
  original: {name: 1, value: 1}
  patch: {$patch: replace, other: a}
  expected: {other: a}
- id: "delete all duplicate entries in a merging list"
  original: {mergingList: [{name: 1}, {name: 1}, {name: 2, value: a}, {name: 3}, {name: 3}]}
  patch: {mergingList: [{$patch: delete, name: 1}, {$patch: delete, name: 3}]}
  expected: {mergingList: [{name: 2, value: a}]}
- id: "retainKeys map can add a field when no retainKeys directive present"
  original: {retainKeysMap: {name: foo}}
  patch: {retainKeysMap: {value: bar}}
  expected: {retainKeysMap: {name: foo, value: bar}}
- id: "retainKeys map can change a field when no retainKeys directive present"
  original: {retainKeysMap: {name: foo, value: a}}
  patch: {retainKeysMap: {value: b}}
  expected: {retainKeysMap: {name: foo, value: b}}
- id: "retainKeys map can delete a field when no retainKeys directive present"
  original: {retainKeysMap: {name: foo, value: a}}
  patch: {retainKeysMap: {value: null}}
  expected: {retainKeysMap: {name: foo}}
- id: "retainKeys map merge an empty map"
  original: {retainKeysMap: {name: foo, value: a}}
  patch: {retainKeysMap: {}}
  expected: {retainKeysMap: {name: foo, value: a}}
- id: "retainKeys list can add a field when no retainKeys directive present"
  original: {retainKeysMergingList: [{name: bar}, {name: foo}]}
  patch: {retainKeysMergingList: [{name: foo, value: a}]}
  expected: {retainKeysMergingList: [{name: bar}, {name: foo, value: a}]}
- id: "retainKeys list can change a field when no retainKeys directive present"
  original: {retainKeysMergingList: [{name: bar}, {name: foo, value: a}]}
  patch: {retainKeysMergingList: [{name: foo, value: b}]}
  expected: {retainKeysMergingList: [{name: bar}, {name: foo, value: b}]}
- id: "retainKeys list can delete a field when no retainKeys directive present"
  original: {retainKeysMergingList: [{name: bar}, {name: foo, value: a}]}
  patch: {retainKeysMergingList: [{name: foo, value: null}]}
  expected: {retainKeysMergingList: [{name: bar}, {name: foo}]}
- id: "preserve the order from the patch in a merging list"
  original: {mergingList: [{name: 1}, {name: 2, value: b}, {name: 3}]}
  patch: {mergingList: [{name: 3, value: c}, {name: 1, value: a}, {name: 2, other: x}]}
  expected: {mergingList: [{name: 3, value: c}, {name: 1, value: a}, {name: 2, other: x,
    value: b}]}
- id: "preserve the order from the patch in a merging list 2"
  original: {mergingList: [{name: 1}, {name: 2, value: b}, {name: 3}]}
  patch: {mergingList: [{name: 3, value: c}, {name: 1, value: a}]}
  expected: {mergingList: [{name: 2, value: b}, {name: 3, value: c}, {name: 1, value: a}]}
- id: "preserve the order from the patch in a merging int list"
  original: {mergingIntList: [1, 2, 3]}
  patch: {mergingIntList: [3, 1, 2]}
  expected: {mergingIntList: [3, 1, 2]}
- id: "preserve the order from the patch in a merging int list again"
  original: {mergingIntList: [1, 2, 3]}
  patch: {mergingIntList: [3, 1]}
  expected: {mergingIntList: [2, 3, 1]}
- id: "nil original (two-way)"
  original: {}
  patch: {name: 1, value: 1}
  expected: {name: 1, value: 1}
- id: "nil original (three-way)"
  original: {name: 1, other: a}
  patch: {value: 1}
  expected: {name: 1, other: a, value: 1}
- id: "nil patch (two-way)"
  original: {name: 1}
  patch: {}
  expected: {name: 1}
- id: "add field to map (two-way)"
  original: {name: 1}
  patch: {value: 1}
  expected: {name: 1, value: 1}
- id: "add field to map with conflict (three-way)"
  original: {name: a, other: a}
  patch: {name: 1, value: 1}
  expected: {name: 1, other: a, value: 1}
- id: "add field and delete field from map (two-way)"
  original: {name: 1}
  patch: {name: null, value: 1}
  expected: {value: 1}
- id: "add field and delete field from map (three-way)"
  original: {name: 1, other: a}
  patch: {name: null, value: 1}
  expected: {other: a, value: 1}
- id: "add field and delete field from map with conflict (three-way)"
  original: {name: a, other: a}
  patch: {name: null, value: 1}
  expected: {other: a, value: 1}
- id: "delete field from nested map (two-way)"
  original: {simpleMap: {key1: 1, key2: 1}}
  patch: {simpleMap: {key2: null}}
  expected: {simpleMap: {key1: 1}}
- id: "delete field from nested map (three-way)"
  original: {simpleMap: {key1: 1, key2: 1, other: a}}
  patch: {simpleMap: {key2: null}}
  expected: {simpleMap: {key1: 1, other: a}}
- id: "delete field from nested map with conflict (three-way)"
  original: {simpleMap: {key1: a, key2: 1, other: a}}
  patch: {simpleMap: {key1: 1, key2: null}}
  expected: {simpleMap: {key1: 1, other: a}}
- id: "delete all fields from map (two-way)"
  original: {name: 1, value: 1}
  patch: {name: null, value: null}
  expected: {}
- id: "delete all fields from map (three-way)"
  original: {name: 1, other: a, value: 1}
  patch: {name: null, value: null}
  expected: {other: a}
- id: "delete all fields from map with conflict (three-way)"
  original: {name: 1, other: a, value: a}
  patch: {name: null, value: null}
  expected: {other: a}
- id: "add field and delete all fields from map (two-way)"
  original: {name: 1, value: 1}
  patch: {name: null, other: a, value: null}
  expected: {other: a}
- id: "add field and delete all fields from map with conflict (three-way)"
  original: {name: 1, other: b, value: 1}
  patch: {name: null, other: a, value: null}
  expected: {other: a}
- id: "replace list of scalars (two-way)"
  original: {nonMergingIntList: [1, 2]}
  patch: {nonMergingIntList: [2, 3]}
  expected: {nonMergingIntList: [2, 3]}
- id: "replace list of scalars with conflict (three-way)"
  original: {nonMergingIntList: [1, 4]}
  patch: {nonMergingIntList: [2, 3]}
  expected: {nonMergingIntList: [2, 3]}
- id: "delete all maps from merging list (two-way)"
  original: {mergingList: [{name: 1}, {name: 2}]}
  patch: {mergingList: [{$patch: delete, name: 1}, {$patch: delete, name: 2}]}
  expected: {mergingList: []}
- id: "delete all maps from merging list with conflict (three-way)"
  original: {mergingList: [{name: 1, other: a}, {name: 2, other: b}]}
  patch: {mergingList: [{$patch: delete, name: 1}, {$patch: delete, name: 2}]}
  expected: {mergingList: []}
- id: "delete all maps from empty merging list (three-way)"
  original: {mergingList: []}
  patch: {mergingList: [{$patch: delete, name: 1}, {$patch: delete, name: 2}]}
  expected: {mergingList: []}
- id: "merge empty merging lists (two-way)"
  original: {mergingList: []}
  patch: {}
  expected: {mergingList: []}
- id: "defined null values should propagate overwrite current fields (with conflict) (two-way)"
  original: {name: 2}
  patch: {name: 1, other: null, value: 1}
  expected: {name: 1, value: 1}
- id: "defined null values should propagate overwrite current fields (with conflict) (three-way)"
  original: {name: a, other: a}
  patch: {name: 1, other: null, value: 1}
  expected: {name: 1, value: 1}
- id: "defined null values should propagate removing original fields (two-way)"
  original: {name: original-name, value: original-value}
  patch: {name: modified-name, value: null}
  expected: {name: modified-name}
- id: "defined null values should propagate removing original fields (three-way)"
  original: {name: original-name, other: current-other, value: original-value}
  patch: {name: modified-name, value: null}
  expected: {name: modified-name, other: current-other}
- id: "nil patch with retainKeys map (two-way)"
  original: {name: a, retainKeysMap: {name: foo}}
  patch: {}
  expected: {name: a, retainKeysMap: {name: foo}}
- id: "nil patch with retainKeys map (three-way)"
  original: {name: a, retainKeysMap: {name: foo}, value: b}
  patch: {}
  expected: {name: a, retainKeysMap: {name: foo}, value: b}
- id: "retainKeys map with no change should not be present (two-way)"
  original: {name: a, retainKeysMap: {name: foo}}
  patch: {value: b}
  expected: {name: a, retainKeysMap: {name: foo}, value: b}
- id: "retainKeys map with no change should not be present (three-way)"
  original: {name: a, other: c, retainKeysMap: {name: foo}}
  patch: {value: b}
  expected: {name: a, other: c, retainKeysMap: {name: foo}, value: b}
- id: "$setElementOrder contains item that is not present in the list to be merged"
  original: {mergingList: [{name: 1}, {name: 3}]}
  patch: {$setElementOrder/mergingList: [{name: 3}, {name: 2}, {name: 1}], mergingList: [{name: 3,
    value: 3}, {name: 1, value: 1}]}
  expected: {mergingList: [{name: 3, value: 3}, {name: 1, value: 1}]}
- id: "$setElementOrder contains item that is not present in the int list to be merged"
  original: {mergingIntList: [1, 3]}
  patch: {$setElementOrder/mergingIntList: [3, 2, 1]}
  expected: {mergingIntList: [3, 1]}
- id: "should check if order in $setElementOrder and patch list match"
  original: {mergingList: [{name: 1}, {name: 3}, {name: 2}]}
  patch: {$setElementOrder/mergingList: [{name: 1}, {name: 2}, {name: 3}], mergingList: [{name: 3,
    value: 3}, {name: 1, value: 1}]}
  error: "doesn't match"
- id: "$setElementOrder contains item that is not present in the int list to be merged again"
  original: {mergingIntList: [1, 3, 2]}
  patch: {$setElementOrder/mergingIntList: [1, 2, 3], mergingIntList: [3, 1]}
  error: "doesn't match"
- id: "missing merge key should error out"
  original: {mergingList: [{name: 1, value: a}]}
  patch: {mergingList: [{value: b}]}
  error: "does not contain declared merge key"
- id: "$deleteFromPrimitiveList of nonexistent item in primitive list does not add the item"
  original: {mergingIntList: [1, 2]}
  patch: {$deleteFromPrimitiveList/mergingIntList: [3]}
  expected: {mergingIntList: [1, 2]}
- id: "$deleteFromPrimitiveList on empty primitive list should not add the item to the list"
  original: {mergingIntList: null}
  patch: {$deleteFromPrimitiveList/mergingIntList: [3]}
  expected: {mergingIntList: null}
- id: "$deleteFromPrimitiveList on nonexistent primitive list should not add the primitive list"
  original: {foo: [bar]}
  patch: {$deleteFromPrimitiveList/mergingIntList: [3]}
  expected: {foo: [bar]}
- id: "$deleteFromPrimitiveList should delete item from a list with merge patch strategy"
  original: {mergingIntList: [1, 2, 3]}
  patch: {$deleteFromPrimitiveList/mergingIntList: [2]}
  expected: {mergingIntList: [1, 3]}
- id: "$deleteFromPrimitiveList should delete item from a list without merge patch strategy"
  original: {nonMergingIntList: [1, 2, 3]}
  patch: {$deleteFromPrimitiveList/nonMergingIntList: [2]}
  expected: {nonMergingIntList: [1, 3]}
- id: "nested patch merge with empty list (two-way)"
  original: {name: hi}
  patch: {mergingList: [{name: hello}, {$patch: delete, name: doesntexist}]}
  expected: {mergingList: [{name: hello}], name: hi}
- id: "nested patch merge with empty list (three-way)"
  original: {mergingList: [{name: hello2}], name: hi}
  patch: {$setElementOrder/mergingList: [{name: hello}, {name: doesntexist}],
    mergingList: [{name: hello}]}
  expected: {mergingList: [{name: hello}, {name: hello2}], name: hi}
- id: "delete items in lists of scalars (two-way)"
  original: {mergingIntList: [1, 2, 3]}
  patch: {$deleteFromPrimitiveList/mergingIntList: [3], $setElementOrder/mergingIntList: [1, 2]}
  expected: {mergingIntList: [1, 2]}
- id: "delete items in lists of scalars (three-way)"
  original: {mergingIntList: [1, 2, 3, 4]}
  patch: {$deleteFromPrimitiveList/mergingIntList: [3], $setElementOrder/mergingIntList: [1, 2]}
  expected: {mergingIntList: [1, 2, 4]}
- id: "delete all duplicate items in lists of scalars (two-way)"
  original: {mergingIntList: [1, 2, 3, 3]}
  patch: {$deleteFromPrimitiveList/mergingIntList: [3], $setElementOrder/mergingIntList: [1, 2]}
  expected: {mergingIntList: [1, 2]}
- id: "delete all duplicate items in lists of scalars (three-way)"
  original: {mergingIntList: [1, 2, 3, 3, 4]}
  patch: {$deleteFromPrimitiveList/mergingIntList: [3], $setElementOrder/mergingIntList: [1, 2]}
  expected: {mergingIntList: [1, 2, 4]}
- id: "add and delete items in lists of scalars (two-way)"
  original: {mergingIntList: [1, 2, 3]}
  patch: {$deleteFromPrimitiveList/mergingIntList: [3], $setElementOrder/mergingIntList: [1, 2,
    4], mergingIntList: [4]}
  expected: {mergingIntList: [1, 2, 4]}
- id: "add and delete items in lists of scalars (three-way)"
  original: {mergingIntList: [1, 2, 3, 4]}
  patch: {$deleteFromPrimitiveList/mergingIntList: [3], $setElementOrder/mergingIntList: [1, 2,
    4]}
  expected: {mergingIntList: [1, 2, 4]}
- id: "merge lists of maps (two-way)"
  original: {mergingList: [{name: 1}, {name: 2, value: 2}]}
  patch: {$setElementOrder/mergingList: [{name: 4}, {name: 1}, {name: 2}, {name: 3}],
    mergingList: [{name: 4, value: 4}, {name: 3, value: 3}]}
  expected: {mergingList: [{name: 4, value: 4}, {name: 1}, {name: 2, value: 2}, {name: 3,
    value: 3}]}
- id: "merge lists of maps (three-way)"
  original: {mergingList: [{name: 1, other: a}, {name: 2, other: b, value: 2}]}
  patch: {$setElementOrder/mergingList: [{name: 4}, {name: 1}, {name: 2}, {name: 3}],
    mergingList: [{name: 4, value: 4}, {name: 3, value: 3}]}
  expected: {mergingList: [{name: 4, value: 4}, {name: 1, other: a}, {name: 2, other: b,
    value: 2}, {name: 3, value: 3}]}
- id: "merge lists of maps with conflict (two-way)"
  original: {mergingList: [{name: 1}, {name: 2, value: 2}]}
  patch: {$setElementOrder/mergingList: [{name: 1}, {name: 2}, {name: 3}], mergingList: [{name: 3,
    value: 3}]}
  expected: {mergingList: [{name: 1}, {name: 2, value: 2}, {name: 3, value: 3}]}
- id: "merge lists of maps with conflict (three-way)"
  original: {mergingList: [{name: 1, other: a}, {name: 2, other: b, value: 3}]}
  patch: {$setElementOrder/mergingList: [{name: 1}, {name: 2}, {name: 3}], mergingList: [{name: 2,
    value: 2}, {name: 3, value: 3}]}
  expected: {mergingList: [{name: 1, other: a}, {name: 2, other: b, value: 2}, {name: 3,
    value: 3}]}
- id: "add field to map in merging list (two-way)"
  original: {mergingList: [{name: 1}, {name: 2, value: 2}]}
  patch: {$setElementOrder/mergingList: [{name: 1}, {name: 2}], mergingList: [{name: 1,
    value: 1}]}
  expected: {mergingList: [{name: 1, value: 1}, {name: 2, value: 2}]}
- id: "add field to map in merging list (three-way)"
  original: {mergingList: [{name: 1, other: a}, {name: 2, other: b, value: 2}]}
  patch: {$setElementOrder/mergingList: [{name: 1}, {name: 2}], mergingList: [{name: 1,
    value: 1}]}
  expected: {mergingList: [{name: 1, other: a, value: 1}, {name: 2, other: b, value: 2}]}
- id: "add duplicate field to map in merging list (three-way)"
  original: {mergingList: [{name: 1, other: a, value: 1}, {name: 2, other: b, value: 2}]}
  patch: {}
  expected: {mergingList: [{name: 1, other: a, value: 1}, {name: 2, other: b, value: 2}]}
- id: "add an item that already exists in current object in merging list (two-way)"
  original: {mergingList: [{name: 1, value: a}, {name: 2}]}
  patch: {$setElementOrder/mergingList: [{name: 1}, {name: 2}, {name: 3}],
    mergingList: [{name: 3}]}
  expected: {mergingList: [{name: 1, value: a}, {name: 2}, {name: 3}]}
- id: "add an item that already exists in current object in merging list (three-way)"
  original: {mergingList: [{name: 1, other: x, value: a}, {name: 2}, {name: 3}]}
  patch: {}
  expected: {mergingList: [{name: 1, other: x, value: a}, {name: 2}, {name: 3}]}
- id: "replace map field value in merging list (two-way)"
  original: {mergingList: [{name: 1, value: 1}, {name: 2, value: 2}]}
  patch: {$setElementOrder/mergingList: [{name: 1}, {name: 2}], mergingList: [{name: 1,
    value: a}]}
  expected: {mergingList: [{name: 1, value: a}, {name: 2, value: 2}]}
- id: "replace map field value in merging list (three-way)"
  original: {mergingList: [{name: 1, other: a, value: 1}, {name: 2, other: b, value: 2}]}
  patch: {$setElementOrder/mergingList: [{name: 1}, {name: 2}], mergingList: [{name: 1,
    value: a}]}
  expected: {mergingList: [{name: 1, other: a, value: a}, {name: 2, other: b, value: 2}]}
- id: "delete map from merging list (two-way)"
  original: {mergingList: [{name: 1}, {name: 2}]}
  patch: {$setElementOrder/mergingList: [{name: 2}], mergingList: [{$patch: delete, name: 1}]}
  expected: {mergingList: [{name: 2}]}
- id: "delete map from merging list (three-way)"
  original: {mergingList: [{name: 1}, {name: 2, other: b}]}
  patch: {$setElementOrder/mergingList: [{name: 2}], mergingList: [{$patch: delete, name: 1}]}
  expected: {mergingList: [{name: 2, other: b}]}
- id: "delete missing map from merging list with conflict (three-way)"
  original: {mergingList: [{name: 3, other: a}]}
  patch: {$setElementOrder/mergingList: [{name: 2}], mergingList: [{name: 2}, {$patch: delete,
    name: 1}]}
  expected: {mergingList: [{name: 2}, {name: 3, other: a}]}
- id: "add map and delete map from merging list (two-way)"
  original: {mergingList: [{name: 1}, {name: 2}]}
  patch: {$setElementOrder/mergingList: [{name: 2}, {name: 3}], mergingList: [{name: 3},
    {$patch: delete, name: 1}]}
  expected: {mergingList: [{name: 2}, {name: 3}]}
- id: "add map and delete map from merging list (three-way)"
  original: {mergingList: [{name: 1}, {name: 2, other: b}, {name: 4, other: c}]}
  patch: {$setElementOrder/mergingList: [{name: 2}, {name: 3}], mergingList: [{name: 3},
    {$patch: delete, name: 1}]}
  expected: {mergingList: [{name: 2, other: b}, {name: 4, other: c}, {name: 3}]}
- id: "add map and delete map from merging list with conflict (three-way)"
  original: {mergingList: [{name: 1, other: a}, {name: 4, other: c}]}
  patch: {$setElementOrder/mergingList: [{name: 2}, {name: 3}], mergingList: [{name: 2},
    {name: 3}, {$patch: delete, name: 1}]}
  expected: {mergingList: [{name: 4, other: c}, {name: 2}, {name: 3}]}
- id: "delete field from map in merging list (two-way)"
  original: {mergingList: [{name: 1, value: 1}, {name: 2, value: 2}]}
  patch: {$setElementOrder/mergingList: [{name: 1}, {name: 2}], mergingList: [{name: 1,
    value: null}]}
  expected: {mergingList: [{name: 1}, {name: 2, value: 2}]}
- id: "delete field from map in merging list (three-way)"
  original: {mergingList: [{name: 1, other: a, value: 1}, {name: 2, other: b, value: 2}]}
  patch: {$setElementOrder/mergingList: [{name: 1}, {name: 2}], mergingList: [{name: 1,
    value: null}]}
  expected: {mergingList: [{name: 1, other: a}, {name: 2, other: b, value: 2}]}
- id: "delete missing field from map in merging list (three-way)"
  original: {mergingList: [{name: 1, other: a}, {name: 2, other: b, value: 2}]}
  patch: {$setElementOrder/mergingList: [{name: 1}, {name: 2}], mergingList: [{name: 1,
    value: null}]}
  expected: {mergingList: [{name: 1, other: a}, {name: 2, other: b, value: 2}]}
- id: "replace non merging list nested in merging list (two-way)"
  original: {mergingList: [{name: 1, nonMergingList: [{name: 1}, {name: 2, value: 2}]},
    {name: 2}]}
  patch: {$setElementOrder/mergingList: [{name: 1}, {name: 2}], mergingList: [{name: 1,
    nonMergingList: [{name: 1, value: 1}]}]}
  expected: {mergingList: [{name: 1, nonMergingList: [{name: 1, value: 1}]}, {name: 2}]}
- id: "replace non merging list nested in merging list (three-way)"
  original: {mergingList: [{name: 1, nonMergingList: [{name: 1}, {name: 2, value: 2}], other: a},
    {name: 2, other: b}]}
  patch: {$setElementOrder/mergingList: [{name: 1}, {name: 2}], mergingList: [{name: 1,
    nonMergingList: [{name: 1, value: 1}]}]}
  expected: {mergingList: [{name: 1, nonMergingList: [{name: 1, value: 1}], other: a}, {name: 2,
    other: b}]}
- id: "add field to map in merging list nested in merging list (two-way)"
  original: {mergingList: [{mergingList: [{name: 1}, {name: 2, value: 2}], name: 1}, {name: 2}]}
  patch: {$setElementOrder/mergingList: [{name: 1}, {name: 2}],
    mergingList: [{$setElementOrder/mergingList: [{name: 1}, {name: 2}], mergingList: [{name: 1,
    value: 1}], name: 1}]}
  expected: {mergingList: [{mergingList: [{name: 1, value: 1}, {name: 2, value: 2}], name: 1},
    {name: 2}]}
- id: "add field to map in merging list nested in merging list (three-way)"
  original: {mergingList: [{mergingList: [{name: 1}, {name: 2, value: 2}], name: 1, other: a},
    {name: 2, other: b}]}
  patch: {$setElementOrder/mergingList: [{name: 1}, {name: 2}],
    mergingList: [{$setElementOrder/mergingList: [{name: 1}, {name: 2}], mergingList: [{name: 1,
    value: 1}], name: 1}]}
  expected: {mergingList: [{mergingList: [{name: 1, value: 1}, {name: 2, value: 2}], name: 1,
    other: a}, {name: 2, other: b}]}
- id: "add map to merging list by pointer (two-way)"
  original: {mergeItemPtr: [{name: 1}]}
  patch: {$setElementOrder/mergeItemPtr: [{name: 1}, {name: 2}], mergeItemPtr: [{name: 2}]}
  expected: {mergeItemPtr: [{name: 1}, {name: 2}]}
- id: "add map to merging list by pointer (three-way)"
  original: {mergeItemPtr: [{name: 1, other: a}, {name: 3}]}
  patch: {$setElementOrder/mergeItemPtr: [{name: 1}, {name: 2}], mergeItemPtr: [{name: 2}]}
  expected: {mergeItemPtr: [{name: 1, other: a}, {name: 2}, {name: 3}]}
- id: "add field to map in merging list by pointer (two-way)"
  original: {mergeItemPtr: [{mergeItemPtr: [{name: 1}, {name: 2, value: 2}], name: 1},
    {name: 2}]}
  patch: {$setElementOrder/mergeItemPtr: [{name: 1}, {name: 2}],
    mergeItemPtr: [{$setElementOrder/mergeItemPtr: [{name: 1}, {name: 2}],
    mergeItemPtr: [{name: 1, value: 1}], name: 1}]}
  expected: {mergeItemPtr: [{mergeItemPtr: [{name: 1, value: 1}, {name: 2, value: 2}], name: 1},
    {name: 2}]}
- id: "add field to map in merging list by pointer (three-way)"
  original: {mergeItemPtr: [{mergeItemPtr: [{name: 1, other: a}, {name: 2, other: b, value: 2}],
    name: 1, other: a}, {name: 2, other: b}]}
  patch: {$setElementOrder/mergeItemPtr: [{name: 1}, {name: 2}],
    mergeItemPtr: [{$setElementOrder/mergeItemPtr: [{name: 1}, {name: 2}],
    mergeItemPtr: [{name: 1, value: 1}], name: 1}]}
  expected: {mergeItemPtr: [{mergeItemPtr: [{name: 1, other: a, value: 1}, {name: 2, other: b,
    value: 2}], name: 1, other: a}, {name: 2, other: b}]}
- id: "merge lists of scalars (two-way)"
  original: {mergingIntList: [1, 2]}
  patch: {$setElementOrder/mergingIntList: [1, 2, 3], mergingIntList: [3]}
  expected: {mergingIntList: [1, 2, 3]}
- id: "merge lists of scalars (three-way)"
  original: {mergingIntList: [1, 2, 4]}
  patch: {$setElementOrder/mergingIntList: [1, 2, 3], mergingIntList: [3]}
  expected: {mergingIntList: [1, 2, 3, 4]}
- id: "add duplicate field to map in merging int list (three-way)"
  original: {mergingIntList: [1, 2, 3]}
  patch: {}
  expected: {mergingIntList: [1, 2, 3]}
- id: "add an item in a list of primitives and preserve order (two-way)"
  original: {mergingIntList: [1, 2]}
  patch: {$setElementOrder/mergingIntList: [3, 1, 2], mergingIntList: [3]}
  expected: {mergingIntList: [3, 1, 2]}
- id: "add an item in a list of primitives and preserve order (three-way)"
  original: {mergingIntList: [1, 4, 2]}
  patch: {$setElementOrder/mergingIntList: [3, 1, 2], mergingIntList: [3]}
  expected: {mergingIntList: [3, 1, 4, 2]}
- id: "delete an item in a list of primitives and preserve order (two-way)"
  original: {mergingIntList: [1, 2, 3]}
  patch: {$deleteFromPrimitiveList/mergingIntList: [3], $setElementOrder/mergingIntList: [2, 1]}
  expected: {mergingIntList: [2, 1]}
- id: "add an item in a list and preserve order (two-way)"
  original: {mergingList: [{name: 1}, {name: 2, value: 2}]}
  patch: {$setElementOrder/mergingList: [{name: 3}, {name: 1}, {name: 2}], mergingList: [{name: 3,
    value: 3}]}
  expected: {mergingList: [{name: 3, value: 3}, {name: 1}, {name: 2, value: 2}]}
- id: "add an item in a list and preserve order (three-way)"
  original: {mergingList: [{name: 1, other: a}, {name: 2, other: b, value: 2}]}
  patch: {$setElementOrder/mergingList: [{name: 3}, {name: 1}, {name: 2}], mergingList: [{name: 3,
    value: 3}]}
  expected: {mergingList: [{name: 3, value: 3}, {name: 1, other: a}, {name: 2, other: b,
    value: 2}]}
- id: "add multiple items in a list and preserve order (two-way)"
  original: {mergingList: [{name: 1}, {name: 2, value: 2}]}
  patch: {$setElementOrder/mergingList: [{name: 1}, {name: 4}, {name: 2}, {name: 3}],
    mergingList: [{name: 4, value: 4}, {name: 3, value: 3}]}
  expected: {mergingList: [{name: 1}, {name: 4, value: 4}, {name: 2, value: 2}, {name: 3,
    value: 3}]}
- id: "add multiple items in a list and preserve order (three-way)"
  original: {mergingList: [{name: 1, other: a}, {name: 2, other: b, value: 2}]}
  patch: {$setElementOrder/mergingList: [{name: 1}, {name: 4}, {name: 2}, {name: 3}],
    mergingList: [{name: 4, value: 4}, {name: 3, value: 3}]}
  expected: {mergingList: [{name: 1, other: a}, {name: 4, value: 4}, {name: 2, other: b,
    value: 2}, {name: 3, value: 3}]}
- id: "delete an item in a list and preserve order (two-way)"
  original: {mergingList: [{name: 1}, {name: 3, value: 3}, {name: 2, value: 2}]}
  patch: {$setElementOrder/mergingList: [{name: 2}, {name: 1}], mergingList: [{$patch: delete,
    name: 3}]}
  expected: {mergingList: [{name: 2, value: 2}, {name: 1}]}
- id: "delete an item in a list and preserve order (three-way)"
  original: {mergingList: [{name: 1, other: a}, {name: 2, other: b, value: 2}, {name: 3,
    value: 3}]}
  patch: {$setElementOrder/mergingList: [{name: 2}, {name: 1}], mergingList: [{$patch: delete,
    name: 3}]}
  expected: {mergingList: [{name: 2, other: b, value: 2}, {name: 1, other: a}]}
- id: "change an item in a list and preserve order (two-way)"
  original: {mergingList: [{name: 1}, {name: 3, value: 3}, {name: 2, value: 2}]}
  patch: {$setElementOrder/mergingList: [{name: 2}, {name: 3}, {name: 1}], mergingList: [{name: 3,
    value: x}]}
  expected: {mergingList: [{name: 2, value: 2}, {name: 3, value: x}, {name: 1}]}
- id: "change an item in a list and preserve order (three-way)"
  original: {mergingList: [{name: 1, other: a}, {name: 2, other: b, value: 2}, {name: 3,
    value: 3}]}
  patch: {$setElementOrder/mergingList: [{name: 2}, {name: 3}, {name: 1}], mergingList: [{name: 3,
    value: x}]}
  expected: {mergingList: [{name: 2, other: b, value: 2}, {name: 3, value: x}, {name: 1,
    other: a}]}
- id: "add and delete an item in a list and preserve order (two-way)"
  original: {mergingList: [{name: 1}, {name: 3, value: 3}, {name: 2, value: 2}]}
  patch: {$setElementOrder/mergingList: [{name: 4}, {name: 2}, {name: 1}], mergingList: [{name: 4,
    value: 4}, {$patch: delete, name: 3}]}
  expected: {mergingList: [{name: 4, value: 4}, {name: 2, value: 2}, {name: 1}]}
- id: "add and delete an item in a list and preserve order (three-way)"
  original: {mergingList: [{name: 1, other: a}, {name: 2, other: b, value: 2}, {name: 3,
    value: 3}]}
  patch: {$setElementOrder/mergingList: [{name: 4}, {name: 2}, {name: 1}], mergingList: [{name: 4,
    value: 4}, {$patch: delete, name: 3}]}
  expected: {mergingList: [{name: 4, value: 4}, {name: 2, other: b, value: 2}, {name: 1,
    other: a}]}
- id: "set elements order in a list (two-way)"
  original: {mergingList: [{name: 1}, {name: 3, value: 3}, {name: 4, value: 4}, {name: 2,
    value: 2}]}
  patch: {$setElementOrder/mergingList: [{name: 4}, {name: 2}, {name: 3}, {name: 1}]}
  expected: {mergingList: [{name: 4, value: 4}, {name: 2, value: 2}, {name: 3, value: 3},
    {name: 1}]}
- id: "set elements order in a list (three-way)"
  original: {mergingList: [{name: 1, other: a}, {name: 3, value: 3}, {name: 4, value: 4},
    {name: 2, value: 2}]}
  patch: {$setElementOrder/mergingList: [{name: 4}, {name: 2}, {name: 3}, {name: 1}]}
  expected: {mergingList: [{name: 4, value: 4}, {name: 2, value: 2}, {name: 3, value: 3},
    {name: 1, other: a}]}
- id: "set elements order in a list with server-only items (three-way)"
  original: {mergingList: [{name: 1, other: a}, {name: 3, value: 3}, {name: 4, value: 4},
    {name: 2, value: 2}, {name: 9}]}
  patch: {$setElementOrder/mergingList: [{name: 4}, {name: 2}, {name: 3}, {name: 1}]}
  expected: {mergingList: [{name: 4, value: 4}, {name: 2, value: 2}, {name: 3, value: 3},
    {name: 1, other: a}, {name: 9}]}
- id: "set elements order in a list with server-only items 2 (two-way)"
  original: {mergingList: [{name: 1}, {name: 2, value: 2}, {name: 3, value: 3}, {name: 4,
    value: 4}]}
  patch: {$setElementOrder/mergingList: [{name: 2}, {name: 1}, {name: 4}, {name: 3}]}
  expected: {mergingList: [{name: 2, value: 2}, {name: 1}, {name: 4, value: 4}, {name: 3,
    value: 3}]}
- id: "set elements order in a list with server-only items 2 (three-way)"
  original: {mergingList: [{name: 1, other: a}, {name: 2, value: 2}, {name: 9}, {name: 3,
    value: 3}, {name: 4, value: 4}]}
  patch: {$setElementOrder/mergingList: [{name: 2}, {name: 1}, {name: 4}, {name: 3}]}
  expected: {mergingList: [{name: 2, value: 2}, {name: 1, other: a}, {name: 9}, {name: 4,
    value: 4}, {name: 3, value: 3}]}
- id: "set elements order in a list with server-only items 3 (three-way)"
  original: {mergingList: [{name: 1, other: a}, {name: 2, value: 2}, {name: 7}, {name: 9},
    {name: 8}, {name: 3, value: 3}, {name: 4, value: 4}]}
  patch: {$setElementOrder/mergingList: [{name: 2}, {name: 1}, {name: 4}, {name: 3}]}
  expected: {mergingList: [{name: 2, value: 2}, {name: 1, other: a}, {name: 7}, {name: 9},
    {name: 8}, {name: 4, value: 4}, {name: 3, value: 3}]}
- id: "add and delete an item in a int list and preserve order (two-way)"
  original: {mergingIntList: [1, 3, 2]}
  patch: {$deleteFromPrimitiveList/mergingIntList: [3], $setElementOrder/mergingIntList: [4, 2,
    1], mergingIntList: [4]}
  expected: {mergingIntList: [4, 2, 1]}
- id: "add and delete an item in a int list and preserve order (three-way)"
  original: {mergingIntList: [1, 2, 3]}
  patch: {$deleteFromPrimitiveList/mergingIntList: [3], $setElementOrder/mergingIntList: [4, 2,
    1], mergingIntList: [4]}
  expected: {mergingIntList: [4, 2, 1]}
- id: "set elements order in a int list with server-only items 3 (three-way)"
  original: {mergingIntList: [1, 2, 7, 9, 8, 3, 4]}
  patch: {$setElementOrder/mergingIntList: [2, 1, 4, 3]}
  expected: {mergingIntList: [2, 1, 7, 9, 8, 4, 3]}
- id: "behavior of set element order for a merging list with duplicate (two-way)"
  original: {mergingList: [{name: 1}, {name: 2, value: dup1}, {name: 3}, {name: 2, value: dup2},
    {name: 4}]}
  patch: {$setElementOrder/mergingList: [{name: 2}, {name: 1}, {name: 4}, {name: 3}, {name: 2}]}
  expected: {mergingList: [{name: 2, value: dup1}, {name: 2, value: dup2}, {name: 1}, {name: 4},
    {name: 3}]}
- id: "behavior of set element order for a merging int list with duplicate (two-way)"
  original: {mergingIntList: [1, 2, 3, 2, 4]}
  patch: {$setElementOrder/mergingIntList: [2, 1, 4, 3, 2]}
  expected: {mergingIntList: [2, 2, 1, 4, 3]}
- id: "retainKeys map should clear defaulted field with conflict (discriminated union) (two-way)"
  original: {}
  patch: {retainKeysMap: {name: type2, other: bar}}
  expected: {retainKeysMap: {name: type2, other: bar}}
- id: "retainKeys map should clear defaulted field with conflict (discriminated union) (three-way)"
  original: {retainKeysMap: {name: type1, value: foo}}
  patch: {retainKeysMap: {$retainKeys: [name, other], name: type2, other: bar}}
  expected: {retainKeysMap: {name: type2, other: bar}}
- id: "retainKeys map adds a field and clear a field (three-way)"
  original: {retainKeysMap: {name: foo, other: a}}
  patch: {retainKeysMap: {$retainKeys: [name, value], value: bar}}
  expected: {retainKeysMap: {name: foo, value: bar}}
- id: "retainKeys map deletes a field and clears a field (three-way)"
  original: {retainKeysMap: {name: foo, other: a, value: bar}}
  patch: {retainKeysMap: {$retainKeys: [name], value: null}}
  expected: {retainKeysMap: {name: foo}}
- id: "retainKeys map replaces non-merging list (two-way)"
  original: {retainKeysMap: {name: foo, nonMergingList: [{name: a}, {name: b}], value: bar}}
  patch: {retainKeysMap: {$retainKeys: [name, nonMergingList, value], nonMergingList: [{name: a},
    {name: c}, {name: b}]}}
  expected: {retainKeysMap: {name: foo, nonMergingList: [{name: a}, {name: c}, {name: b}],
    value: bar}}
- id: "retainKeys map adds an item and deletes an item in nested merging int list (two-way)"
  original: {retainKeysMap: {mergingIntList: [1, 2, 3], name: foo}}
  patch: {retainKeysMap: {$deleteFromPrimitiveList/mergingIntList: [2],
    $retainKeys: [mergingIntList, name], $setElementOrder/mergingIntList: [1, 3, 5],
    mergingIntList: [5]}}
  expected: {retainKeysMap: {mergingIntList: [1, 3, 5], name: foo}}
- id: "retainKeys map adds an item and deletes an item in nested merging int list (three-way)"
  original: {retainKeysMap: {mergingIntList: [1, 2, 3, 4], name: foo}}
  patch: {retainKeysMap: {$deleteFromPrimitiveList/mergingIntList: [2],
    $retainKeys: [mergingIntList, name], $setElementOrder/mergingIntList: [1, 3, 5],
    mergingIntList: [5]}}
  expected: {retainKeysMap: {mergingIntList: [1, 3, 5, 4], name: foo}}
- id: "retainKeys map changes an item in nested merging list (two-way)"
  original: {retainKeysMap: {mergingList: [{name: a}, {name: b, value: foo}], name: foo}}
  patch: {retainKeysMap: {$retainKeys: [mergingList, name],
    $setElementOrder/mergingList: [{name: a}, {name: b}], mergingList: [{name: b, value: bar}]}}
  expected: {retainKeysMap: {mergingList: [{name: a}, {name: b, value: bar}], name: foo}}
- id: "retainKeys map changes an item in nested merging list (three-way)"
  original: {retainKeysMap: {mergingList: [{name: a}, {name: b, value: foo}, {name: x}],
    name: foo}}
  patch: {retainKeysMap: {$retainKeys: [mergingList, name],
    $setElementOrder/mergingList: [{name: a}, {name: b}], mergingList: [{name: b, value: bar}]}}
  expected: {retainKeysMap: {mergingList: [{name: a}, {name: b, value: bar}, {name: x}],
    name: foo}}
- id: "retainKeys list of maps changes a field and clear a field (two-way)"
  original: {retainKeysMergingList: [{name: bar}, {name: foo, value: old}]}
  patch: {$setElementOrder/retainKeysMergingList: [{name: bar}, {name: foo}],
    retainKeysMergingList: [{$retainKeys: [name, value], name: foo, value: new}]}
  expected: {retainKeysMergingList: [{name: bar}, {name: foo, value: new}]}
- id: "retainKeys list of maps changes a field and clear a field (three-way)"
  original: {retainKeysMergingList: [{name: bar}, {name: foo, other: x, value: old}]}
  patch: {$setElementOrder/retainKeysMergingList: [{name: bar}, {name: foo}],
    retainKeysMergingList: [{$retainKeys: [name, value], name: foo, value: new}]}
  expected: {retainKeysMergingList: [{name: bar}, {name: foo, value: new}]}
- id: "retainKeys list of maps adds a field and clear a field (three-way)"
  original: {retainKeysMergingList: [{name: bar}, {name: foo, other: x}]}
  patch: {$setElementOrder/retainKeysMergingList: [{name: bar}, {name: foo}],
    retainKeysMergingList: [{$retainKeys: [name, value], name: foo, value: a}]}
  expected: {retainKeysMergingList: [{name: bar}, {name: foo, value: a}]}
- id: "delete and reorder in one list, reorder in another (two-way)"
  original: {mergeItemPtr: [{name: c, value: c}, {name: d, value: d}], mergingList: [{name: a,
    value: a}, {name: b, value: b}]}
  patch: {$setElementOrder/mergeItemPtr: [{name: d}, {name: c}],
    $setElementOrder/mergingList: [{name: b}], mergingList: [{$patch: delete, name: a}]}
  expected: {mergeItemPtr: [{name: d, value: d}, {name: c, value: c}], mergingList: [{name: b,
    value: b}]}
""")


@pytest.mark.parametrize("case", UPSTREAM_SMP, ids=[c["id"] for c in UPSTREAM_SMP])
def test_strategic_merge_patch_upstream_cases(case: dict[str, Any], merge_item_kind: str) -> None:
    if "error" in case:
        _expect(500, case["error"], strategic_merge_patch, case["original"], case["patch"],
                merge_item_kind)  # fmt: skip
    else:
        got = strategic_merge_patch(case["original"], case["patch"], merge_item_kind)
        assert got == case["expected"]


# ---------------------------------------------------------------------------------------------
# Strategic merge patch on the built-in kinds
# ---------------------------------------------------------------------------------------------


def _pod(**spec: Any) -> dict[str, Any]:
    return {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p"}, "spec": spec}


def _ctr(name: str, **fields: Any) -> dict[str, Any]:
    return {"name": name, **fields}


A, B = _ctr("a", image="a:1"), _ctr("b", image="b:1")

BUILTIN_SMP = [
    ("Pod containers merge by name", "Pod", _pod(containers=[A, B]),
     {"spec": {"containers": [_ctr("b", image="b:2")]}},
     _pod(containers=[A, _ctr("b", image="b:2")])),
    ("Pod new container goes before server-only ones, as upstream orders it", "Pod",
     _pod(containers=[A, B]), {"spec": {"containers": [_ctr("c", image="c")]}},
     _pod(containers=[_ctr("c", image="c"), A, B])),
    ("Pod $setElementOrder places a new container", "Pod", _pod(containers=[A, B]),
     {"spec": {"$setElementOrder/containers": [{"name": "a"}, {"name": "b"}, {"name": "c"}],
               "containers": [_ctr("c", image="c")]}},
     _pod(containers=[A, B, _ctr("c", image="c")])),
    ("Pod $setElementOrder reorders containers", "Pod", _pod(containers=[A, B]),
     {"spec": {"$setElementOrder/containers": [{"name": "b"}, {"name": "a"}]}},
     _pod(containers=[B, A])),
    ("Pod $patch delete removes a container", "Pod", _pod(containers=[A, B]),
     {"spec": {"containers": [{"name": "a", "$patch": "delete"}]}}, _pod(containers=[B])),
    ("Pod $patch replace replaces the container list", "Pod", _pod(containers=[A, B]),
     {"spec": {"containers": [{"$patch": "replace"}, _ctr("c", image="c")]}},
     _pod(containers=[_ctr("c", image="c")])),
    ("Pod container ports merge by containerPort, so protocol is overwritten", "Pod",
     _pod(containers=[_ctr("a", ports=[{"containerPort": 53, "protocol": "TCP"}])]),
     {"spec": {"containers": [_ctr("a", ports=[{"containerPort": 53, "protocol": "UDP"}])]}},
     _pod(containers=[_ctr("a", ports=[{"containerPort": 53, "protocol": "UDP"}])])),
    ("Pod container env merges by name", "Pod",
     _pod(containers=[_ctr("a", env=[{"name": "X", "value": "1"}, {"name": "Y", "value": "1"}])]),
     {"spec": {"containers": [_ctr("a", env=[{"name": "Y", "value": "2"}])]}},
     _pod(containers=[_ctr("a", env=[{"name": "X", "value": "1"}, {"name": "Y", "value": "2"}])])),
    ("Pod volumeMounts merge by mountPath", "Pod",
     _pod(containers=[_ctr("a", volumeMounts=[{"name": "v", "mountPath": "/d"}])]),
     {"spec": {"containers": [_ctr("a", volumeMounts=[{"mountPath": "/d", "readOnly": True}])]}},
     _pod(containers=[_ctr("a", volumeMounts=[{"name": "v", "mountPath": "/d",
                                               "readOnly": True}])])),
    ("Pod initContainers merge by name", "Pod", _pod(initContainers=[A]),
     {"spec": {"initContainers": [_ctr("a", image="a:2")]}},
     _pod(initContainers=[_ctr("a", image="a:2")])),
    ("Pod volumes merge by name and $retainKeys clears the old source", "Pod",
     _pod(volumes=[{"name": "v", "emptyDir": {}}, {"name": "w", "emptyDir": {}}]),
     {"spec": {"volumes": [{"name": "v", "hostPath": {"path": "/x"},
                            "$retainKeys": ["hostPath", "name"]}]}},
     _pod(volumes=[{"name": "v", "hostPath": {"path": "/x"}}, {"name": "w", "emptyDir": {}}])),
    ("Pod tolerations are replaced whole", "Pod",
     _pod(tolerations=[{"key": "a", "operator": "Exists"}]),
     {"spec": {"tolerations": [{"key": "b", "operator": "Exists"}]}},
     _pod(tolerations=[{"key": "b", "operator": "Exists"}])),
    ("Pod imagePullSecrets merge by name", "Pod", _pod(imagePullSecrets=[{"name": "r1"}]),
     {"spec": {"imagePullSecrets": [{"name": "r2"}]}},
     _pod(imagePullSecrets=[{"name": "r2"}, {"name": "r1"}])),
    ("Pod hostAliases merge by ip", "Pod",
     _pod(hostAliases=[{"ip": "10.0.0.1", "hostnames": ["a"]}]),
     {"spec": {"hostAliases": [{"ip": "10.0.0.1", "hostnames": ["b"]}]}},
     _pod(hostAliases=[{"ip": "10.0.0.1", "hostnames": ["b"]}])),
    ("Pod topologySpreadConstraints merge by topologyKey", "Pod",
     _pod(topologySpreadConstraints=[{"topologyKey": "zone", "maxSkew": 1}]),
     {"spec": {"topologySpreadConstraints": [{"topologyKey": "zone", "maxSkew": 2}]}},
     _pod(topologySpreadConstraints=[{"topologyKey": "zone", "maxSkew": 2}])),
    ("Pod nodeSelector merges and null deletes a key", "Pod",
     _pod(nodeSelector={"a": "1", "b": "2"}), {"spec": {"nodeSelector": {"a": None, "c": "3"}}},
     _pod(nodeSelector={"b": "2", "c": "3"})),
    ("Pod status conditions merge by type", "Pod",
     {"status": {"conditions": [{"type": "Ready", "status": "False"},
                                {"type": "PodScheduled", "status": "True"}]}},
     {"status": {"conditions": [{"type": "Ready", "status": "True"}]}},
     {"status": {"conditions": [{"type": "Ready", "status": "True"},
                                {"type": "PodScheduled", "status": "True"}]}}),
    ("Pod status podIPs merge by ip", "Pod", {"status": {"podIPs": [{"ip": "10.0.0.1"}]}},
     {"status": {"podIPs": [{"ip": "fd00::1"}]}},
     {"status": {"podIPs": [{"ip": "fd00::1"}, {"ip": "10.0.0.1"}]}}),
    ("metadata finalizers merge as a set", "ConfigMap", {"metadata": {"finalizers": ["a", "b"]}},
     {"metadata": {"finalizers": ["b", "c"]}}, {"metadata": {"finalizers": ["a", "b", "c"]}}),
    ("$deleteFromPrimitiveList removes finalizers", "Pod",
     {"metadata": {"finalizers": ["a", "b", "a"]}},
     {"metadata": {"$deleteFromPrimitiveList/finalizers": ["a"]}},
     {"metadata": {"finalizers": ["b"]}}),
    ("metadata ownerReferences merge by uid", "ReplicaSet",
     {"metadata": {"ownerReferences": [{"uid": "u1", "name": "d1"}]}},
     {"metadata": {"ownerReferences": [{"uid": "u2", "name": "d2"}]}},
     {"metadata": {"ownerReferences": [{"uid": "u2", "name": "d2"},
                                       {"uid": "u1", "name": "d1"}]}}),
    ("metadata labels $patch replace", "Pod", {"metadata": {"labels": {"a": "1", "b": "2"}}},
     {"metadata": {"labels": {"$patch": "replace", "c": "3"}}},
     {"metadata": {"labels": {"c": "3"}}}),
    ("metadata labels $patch delete empties the map", "Pod", {"metadata": {"labels": {"a": "1"}}},
     {"metadata": {"labels": {"$patch": "delete"}}}, {"metadata": {"labels": {}}}),
    ("Deployment pod template containers merge by name", "Deployment",
     {"spec": {"replicas": 1, "template": {"spec": {"containers": [A, B]}}}},
     {"spec": {"replicas": 3, "template": {"spec": {"containers": [_ctr("a", image="a:2")]}}}},
     {"spec": {"replicas": 3, "template": {"spec": {"containers": [_ctr("a", image="a:2"), B]}}}}),
    ("Deployment template metadata finalizers merge", "Deployment",
     {"spec": {"template": {"metadata": {"finalizers": ["x"]}}}},
     {"spec": {"template": {"metadata": {"finalizers": ["y"]}}}},
     {"spec": {"template": {"metadata": {"finalizers": ["y", "x"]}}}}),
    ("Deployment strategy $retainKeys drops rollingUpdate", "Deployment",
     {"spec": {"strategy": {"type": "RollingUpdate", "rollingUpdate": {"maxSurge": 1}}}},
     {"spec": {"strategy": {"type": "Recreate", "$retainKeys": ["type"]}}},
     {"spec": {"strategy": {"type": "Recreate"}}}),
    ("Deployment status conditions merge by type", "Deployment",
     {"status": {"conditions": [{"type": "Available", "status": "False"}]}},
     {"status": {"conditions": [{"type": "Progressing", "status": "True"}]}},
     {"status": {"conditions": [{"type": "Progressing", "status": "True"},
                                {"type": "Available", "status": "False"}]}}),
    ("ReplicaSet pod template env merges by name", "ReplicaSet",
     {"spec": {"template": {"spec": {"containers": [_ctr("a", env=[{"name": "X"}])]}}}},
     {"spec": {"template": {"spec": {"containers": [_ctr("a", env=[{"name": "Y"}])]}}}},
     {"spec": {"template": {"spec": {"containers": [_ctr("a", env=[{"name": "Y"},
                                                                   {"name": "X"}])]}}}}),
    ("Service ports merge by port", "Service",
     {"spec": {"ports": [{"port": 80, "targetPort": 8080}, {"port": 443}]}},
     {"spec": {"ports": [{"port": 80, "targetPort": 9090}]}},
     {"spec": {"ports": [{"port": 80, "targetPort": 9090}, {"port": 443}]}}),
    ("Node status addresses merge by type", "Node",
     {"status": {"addresses": [{"type": "InternalIP", "address": "10.0.0.1"},
                               {"type": "Hostname", "address": "n1"}]}},
     {"status": {"addresses": [{"type": "InternalIP", "address": "10.0.0.2"}]}},
     {"status": {"addresses": [{"type": "InternalIP", "address": "10.0.0.2"},
                               {"type": "Hostname", "address": "n1"}]}}),
    ("Node status conditions merge by type", "Node",
     {"status": {"conditions": [{"type": "Ready", "status": "True"},
                                {"type": "MemoryPressure", "status": "False"}]}},
     {"status": {"conditions": [{"type": "Ready", "status": "Unknown"}]}},
     {"status": {"conditions": [{"type": "Ready", "status": "Unknown"},
                                {"type": "MemoryPressure", "status": "False"}]}}),
    ("Node spec podCIDRs merge as a set", "Node", {"spec": {"podCIDRs": ["10.0.0.0/24"]}},
     {"spec": {"podCIDRs": ["fd00::/64"]}}, {"spec": {"podCIDRs": ["fd00::/64", "10.0.0.0/24"]}}),
    ("Namespace status conditions merge by type", "Namespace",
     {"status": {"phase": "Active", "conditions": [{"type": "A", "status": "True"}]}},
     {"status": {"phase": "Terminating", "conditions": [{"type": "B", "status": "True"}]}},
     {"status": {"phase": "Terminating", "conditions": [{"type": "B", "status": "True"},
                                                        {"type": "A", "status": "True"}]}}),
    ("EndpointSlice endpoints are replaced whole", "EndpointSlice",
     {"endpoints": [{"addresses": ["10.0.0.1"]}]}, {"endpoints": [{"addresses": ["10.0.0.2"]}]},
     {"endpoints": [{"addresses": ["10.0.0.2"]}]}),
    ("Endpoints subsets are replaced whole", "Endpoints",
     {"subsets": [{"addresses": [{"ip": "10.0.0.1"}]}]}, {"subsets": []}, {"subsets": []}),
    ("ConfigMap data merges and null deletes", "ConfigMap", {"data": {"a": "1", "b": "2"}},
     {"data": {"a": None, "c": "3"}}, {"data": {"b": "2", "c": "3"}}),
    ("Lease spec merges", "Lease", {"spec": {"holderIdentity": "a", "leaseDurationSeconds": 15}},
     {"spec": {"holderIdentity": "b"}}, {"spec": {"holderIdentity": "b",
                                                   "leaseDurationSeconds": 15}}),
    ("Event series merges", "Event", {"count": 1, "series": {"count": 2}},
     {"count": 2, "series": {"lastObservedTime": "t"}},
     {"count": 2, "series": {"count": 2, "lastObservedTime": "t"}}),
    ("PriorityClass value is replaced", "PriorityClass", {"value": 1}, {"value": 2},
     {"value": 2}),
    ("null for an absent key is ignored", "Pod", {"metadata": {}}, {"metadata": {"labels": None}},
     {"metadata": {}}),
    ("nulls and directives inside new fields are dropped", "Pod", {},
     {"spec": {"nodeSelector": {"a": None, "b": "1"},
               "containers": [{"name": "x", "$patch": "delete"}, _ctr("y", image=None)],
               "affinity": {"$patch": "replace"}}},
     {"spec": {"nodeSelector": {"b": "1"}, "containers": [{"name": "y"}]}}),
    ("merge keys compare with their JSON type, so 80 and 80.0 differ", "Pod",
     _pod(containers=[_ctr("a", ports=[{"containerPort": 80}])]),
     {"spec": {"containers": [_ctr("a", ports=[{"containerPort": 80.0, "name": "f"}])]}},
     _pod(containers=[_ctr("a", ports=[{"containerPort": 80.0, "name": "f"},
                                      {"containerPort": 80}])])),
    ("a type change replaces the value", "Pod", {"spec": {"containers": [A]}},
     {"spec": {"containers": {"x": 1}}}, {"spec": {"containers": {"x": 1}}}),
    ("an unknown kind is merge patched, lists replaced", "Widget",
     {"spec": {"items": [{"name": "a"}], "keep": 1}},
     {"spec": {"items": [{"name": "b"}], "$patch": "delete"}},
     {"spec": {"items": [{"name": "b"}], "$patch": "delete", "keep": 1}}),
]  # fmt: skip


@pytest.mark.parametrize(
    ("kind", "original", "patch", "expected"),
    [c[1:] for c in BUILTIN_SMP],
    ids=[c[0] for c in BUILTIN_SMP],
)
def test_strategic_merge_patch_builtin_kinds(
    kind: str, original: dict[str, Any], patch: dict[str, Any], expected: dict[str, Any]
) -> None:
    assert strategic_merge_patch(original, patch, kind) == expected


SMP_ERRORS = [
    ("a merge list item without its merge key", _pod(containers=[A]),
     {"spec": {"containers": [{"image": "x"}]}}, 500, "",
     "map: map[image:x] does not contain declared merge key: name"),
    ("a server item without the merge key", _pod(containers=[{"image": "x"}]),
     {"spec": {"containers": [A]}}, 500, "",
     "map: map[image:x] does not contain declared merge key: name"),
    ("$patch merge in a list is rejected as upstream does", _pod(containers=[A]),
     {"spec": {"containers": [{"name": "a", "$patch": "merge"}]}}, 500, "",
     "merging lists cannot yet be specified in the patch"),
    ("$patch merge in a map is rejected as upstream does", {"metadata": {"labels": {}}},
     {"metadata": {"labels": {"$patch": "merge"}}}, 500, "",
     "unknown patch type: merge in map: map[$patch:merge]"),
    ("an unknown $patch in a list item", _pod(containers=[A]),
     {"spec": {"containers": [{"name": "a", "$patch": 7}]}}, 500, "",
     "unknown patch type: %!s(int64=7) in map: map[$patch:7 name:a]"),
    ("$patch delete without the merge key", _pod(containers=[A]),
     {"spec": {"containers": [{"$patch": "delete"}]}}, 500, "",
     "map: map[$patch:delete] does not contain declared merge key: name"),
    ("$retainKeys that is not a list", {"spec": {"strategy": {}}},
     {"spec": {"strategy": {"$retainKeys": "type"}}}, 400, "BadRequest",
     "invalid patch format of retainKeys"),
    ("$retainKeys missing a patched key", {"spec": {"strategy": {}}},
     {"spec": {"strategy": {"$retainKeys": ["type"], "rollingUpdate": {}}}}, 400, "BadRequest",
     "invalid patch format of retainKeys"),
    ("$deleteFromPrimitiveList without a field", {"metadata": {}},
     {"metadata": {"$deleteFromPrimitiveListfinalizers": ["a"]}}, 400, "BadRequest",
     "invalid patch format of primitive list"),
    ("$setElementOrder without a field", {"spec": {}},
     {"spec": {"$setElementOrderX/containers": []}}, 400, "BadRequest",
     "invalid patch format of setElementOrder list"),
    ("$setElementOrder that is not a list", _pod(containers=[A]),
     {"spec": {"$setElementOrder/containers": "a"}}, 500, "",
     "expected a []interface {}, but received a string"),
    ("$setElementOrder that disagrees with the patch", _pod(containers=[A, B]),
     {"spec": {"$setElementOrder/containers": [{"name": "a"}, {"name": "b"}],
               "containers": [B, A]}}, 500, "",
     "The order in patch list:\n[map[image:b:1 name:b] map[image:a:1 name:a]]\n doesn't match "
     "$setElementOrder list:\n[map[name:a] map[name:b]]\n"),
    ("$setElementOrder of an empty list with no patch", {"metadata": {"finalizers": []}},
     {"metadata": {"$setElementOrder/finalizers": []}}, 500, "",
     "no elements in any of the given slices"),
    ("merging scalars of different types", {"metadata": {"finalizers": ["a"]}},
     {"metadata": {"finalizers": [1]}}, 500, "",
     "list element types are not identical: [[a] [1]]"),
    ("merging floats and strings", {"metadata": {"finalizers": [1e6, 0.5, -1.5e-7]}},
     {"metadata": {"finalizers": ["a"]}}, 500, "",
     "list element types are not identical: [[1e+06 0.5 -1.5e-07] [a]]"),
    ("merging a list of lists", {"metadata": {"finalizers": [["a"]]}},
     {"metadata": {"finalizers": [["b"]]}}, 422, "Invalid", "lists of lists are not supported"),
    ("a list patch body", {}, ["a"], 400, "BadRequest",
     "json: cannot unmarshal array into Go value of type map[string]interface {}"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("original", "patch", "code", "reason", "text"),
    [c[1:] for c in SMP_ERRORS],
    ids=[c[0] for c in SMP_ERRORS],
)
def test_strategic_merge_patch_errors(
    original: Any, patch: Any, code: int, reason: str, text: str
) -> None:
    err = _expect(code, text, strategic_merge_patch, original, patch, "Pod")
    assert err.reason == reason
    assert err.cause == text


def test_lists_of_lists_keep_the_cause_behind_the_generic_422() -> None:
    err = _expect(422, "lists", strategic_merge_patch, {"metadata": {"finalizers": [["a"]]}},
                  {"metadata": {"finalizers": [["b"]]}}, "Pod")  # fmt: skip
    assert err.message == GENERIC_INVALID
    assert err.cause == "lists of lists are not supported"


# ---------------------------------------------------------------------------------------------
# The patch metadata table
# ---------------------------------------------------------------------------------------------


MERGE_KEYS = [
    ("Pod", ("spec", "containers"), "name"),
    ("Pod", ("spec", "containers", 0, "ports"), "containerPort"),
    ("Pod", ("spec", "ephemeralContainers", "[]", "env"), "name"),
    ("Pod", ("spec", "containers", "[]", "volumeMounts"), "mountPath"),
    ("Pod", ("spec", "volumes"), "name"),
    ("Pod", ("spec", "tolerations"), None),
    ("Pod", ("metadata", "finalizers"), ""),
    ("Pod", ("metadata", "ownerReferences"), "uid"),
    ("Pod", ("status", "conditions"), "type"),
    ("Deployment", ("spec", "template", "spec", "containers"), "name"),
    ("Deployment", ("spec", "strategy"), None),
    ("ReplicaSet", ("spec", "template", "spec", "initContainers"), "name"),
    ("Service", ("spec", "ports"), "port"),
    ("Node", ("status", "addresses"), "type"),
    ("EndpointSlice", ("endpoints",), None),
    ("Widget", ("spec", "containers"), None),
]


@pytest.mark.parametrize(
    ("kind", "path", "expected"),
    MERGE_KEYS,
    ids=[f"{k} {'.'.join(map(str, p))} -> {e!r}" for k, p, e in MERGE_KEYS],
)
def test_merge_key_for(kind: str, path: tuple[Any, ...], expected: str | None) -> None:
    assert merge_key_for(kind, path) == expected


def _paths(kind: str, prefix: str) -> dict[str, Any]:
    return {
        p[len(prefix) :]: m
        for (k, p), m in PATCH_META.items()
        if k == kind and p.startswith(prefix)
    }


def test_pod_spec_rules_are_the_same_at_every_location() -> None:
    pod = _paths("Pod", "spec.")
    assert pod == _paths("Deployment", "spec.template.spec.")
    assert pod == _paths("ReplicaSet", "spec.template.spec.")
    assert len(pod) == len(POD_SPEC_RULES)


def test_a_new_kind_is_one_line(monkeypatch: pytest.MonkeyPatch) -> None:
    rows = kind_rules("CronJob", at("spec.jobTemplate.spec.template", POD_TEMPLATE_RULES))
    monkeypatch.setattr(patch_meta_module, "PATCH_META", {**PATCH_META, **rows})
    path = ("spec", "jobTemplate", "spec", "template", "spec", "containers")
    assert merge_key_for("CronJob", path) == "name"

    def job(*containers: dict[str, Any]) -> dict[str, Any]:
        pod_spec = {"containers": list(containers)}
        return {"spec": {"jobTemplate": {"spec": {"template": {"spec": pod_spec}}}}}

    got = strategic_merge_patch(job(A, B), job(_ctr("b", image="b:2")), "CronJob")
    assert got == job(A, _ctr("b", image="b:2"))


# ---------------------------------------------------------------------------------------------
# apply_patch: content types and the apiserver's answers
# ---------------------------------------------------------------------------------------------

POD = _pod(containers=[A, B])


@pytest.mark.parametrize(
    ("patch_type", "patch", "expected"),
    [
        ("application/merge-patch+json", {"spec": {"containers": [B]}}, _pod(containers=[B])),
        ("merge", {"spec": {"containers": [B]}}, _pod(containers=[B])),
        ("application/merge-patch+json; charset=utf-8", {"spec": {"containers": [B]}},
         _pod(containers=[B])),
        ("application/strategic-merge-patch+json", {"spec": {"containers": [_ctr("b")]}},
         _pod(containers=[A, B])),
        ("strategic", {"spec": {"containers": [_ctr("a", image="a:2")]}},
         _pod(containers=[_ctr("a", image="a:2"), B])),
        ("strategic", None, POD),
        ("application/json-patch+json", [_op("replace", "/spec/containers/1/image", "b:2")],
         _pod(containers=[A, _ctr("b", image="b:2")])),
        ("json", [_op("remove", "/spec/containers/0")], _pod(containers=[B])),
    ],
    ids=["merge media type", "merge short name", "merge with charset", "strategic media type",
         "strategic short name", "strategic null body is a no-op", "json media type",
         "json short name"],
)  # fmt: skip
def test_apply_patch_dispatches_on_content_type(patch_type: str, patch: Any, expected: Any) -> None:
    assert apply_patch(POD, patch, patch_type, "Pod") == expected


def test_apply_patch_unknown_type_is_415_with_upstream_text() -> None:
    err = _expect(415, "unknown format", apply_patch, POD, {}, "application/json", "Pod")
    assert err.reason == "UnsupportedMediaType"
    assert err.message == (
        "the body of the request was in an unknown format - accepted media types include: "
        "application/json-patch+json, application/merge-patch+json, "
        "application/strategic-merge-patch+json, application/apply-patch+yaml"
    )


@pytest.mark.parametrize("patch_type", ["application/apply-patch+yaml", "apply"])
def test_server_side_apply_is_refused_clearly(patch_type: str) -> None:
    err = _expect(415, "server-side apply", apply_patch, POD, {}, patch_type, "Pod")
    assert "not supported by kubesim" in err.message


@pytest.mark.parametrize(
    ("patch_type", "patch", "code", "reason", "text"),
    [
        ("merge", None, 400, "BadRequest", "Invalid JSON Patch"),
        ("merge", "x", 400, "BadRequest", "Invalid JSON Patch"),
        ("merge", ["x"], 422, "Invalid", "cannot unmarshal array into an object of kind Pod"),
        ("json", [_op("replace", "", ["x"])], 422, "Invalid", "cannot unmarshal array"),
        ("json", {"op": "add"}, 400, "BadRequest", "jsonpatch.Patch"),
        ("json", [_op("test", "/spec", 1)], 422, "Invalid", "testing value /spec failed"),
        ("json", [_op("test", "", POD)] * 10001, 413, "RequestEntityTooLarge",
         "The allowed maximum operations in a JSON patch is 10000, got 10001"),
        ("strategic", "x", 400, "BadRequest", "json: cannot unmarshal string"),
    ],
    ids=["merge null body", "merge scalar body", "merge array body", "json patch to an array",
         "json patch not a list", "json patch test fails", "too many json patch operations",
         "strategic scalar body"],
)  # fmt: skip
def test_apply_patch_refusals(
    patch_type: str, patch: Any, code: int, reason: str, text: str
) -> None:
    err = _expect(code, text, apply_patch, POD, patch, patch_type, "Pod")
    assert err.reason == reason


def test_patch_error_becomes_a_status() -> None:
    err = _expect(422, "test failed", json_patch, {"a": 1}, [_op("test", "/a", 2)])
    status = err.to_api_error().status
    assert status == {
        "kind": "Status",
        "apiVersion": "v1",
        "metadata": {},
        "status": "Failure",
        "message": GENERIC_INVALID,
        "reason": "Invalid",
        "code": 422,
        "details": {"causes": [{"message": "testing value /a failed: test failed"}]},
    }


def test_bare_upstream_errors_become_reasonless_500s() -> None:
    err = _expect(
        500, "merge key", strategic_merge_patch, POD, {"spec": {"containers": [{}]}}, "Pod"
    )
    status = err.to_api_error().status
    assert status["code"] == 500
    assert "reason" not in status
    assert status["message"] == "map: map[] does not contain declared merge key: name"


# ---------------------------------------------------------------------------------------------
# Properties
# ---------------------------------------------------------------------------------------------

_keys = st.text(alphabet="ab/~.$-", min_size=0, max_size=3)
_scalars = st.none() | st.booleans() | st.integers(-5, 5) | st.text(alphabet="xyz", max_size=2)
_json = st.recursive(
    _scalars,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(_keys, inner, max_size=3),
    max_leaves=12,
)
_objects = st.dictionaries(_keys, _json, max_size=4)


def _pointer(tokens: list[str | int]) -> str:
    return "".join("/" + str(t).replace("~", "~0").replace("/", "~1") for t in tokens)


def _leaves(doc: Any, prefix: list[str | int]) -> list[list[str | int]]:
    """Paths of every scalar or empty container below the root."""
    items = list(doc.items()) if isinstance(doc, dict) else list(enumerate(doc))
    out: list[list[str | int]] = []
    for key, value in items:
        path = [*prefix, key]
        if isinstance(value, dict | list) and value:
            out.extend(_leaves(value, path))
        else:
            out.append(path)
    return out


def _plain(value: Any) -> bool:
    """No frozen container anywhere in `value`."""
    if isinstance(value, dict):
        return not is_frozen(value) and all(_plain(v) for v in value.values())
    if isinstance(value, list):
        return not is_frozen(value) and all(_plain(v) for v in value)
    return True


@PROPERTY
@given(_objects)
def test_property_an_empty_merge_patch_changes_nothing(doc: dict[str, Any]) -> None:
    assert json_merge_patch(doc, {}) == doc
    assert strategic_merge_patch(doc, {}, "Pod") == doc


@PROPERTY
@given(_objects, _objects)
def test_property_merge_patch_is_idempotent(doc: dict[str, Any], patch: dict[str, Any]) -> None:
    once = json_merge_patch(doc, patch)
    assert json_merge_patch(once, patch) == once


@PROPERTY
@given(_objects, _objects)
def test_property_unknown_kinds_are_merge_patched(
    doc: dict[str, Any], patch: dict[str, Any]
) -> None:
    assert strategic_merge_patch(doc, patch, "Widget") == json_merge_patch(doc, patch)


@PROPERTY
@given(st.data(), _objects.filter(bool))
def test_property_replace_then_test_passes(data: st.DataObject, doc: dict[str, Any]) -> None:
    leaves = _leaves(doc, [])
    chosen = data.draw(st.lists(st.sampled_from(leaves), min_size=1, max_size=4, unique_by=str))
    ops = []
    for path in chosen:
        value = data.draw(_json)
        ops += [_op("replace", _pointer(path), value), _op("test", _pointer(path), value)]
    result = json_patch(doc, ops)
    for path, op in zip(chosen, ops[::2], strict=True):
        node = result
        for token in path:
            node = node[token]
        assert node == op["value"]


@PROPERTY
@given(_objects)
def test_property_testing_every_leaf_is_the_identity(doc: dict[str, Any]) -> None:
    ops = []
    for path in _leaves(doc, []):
        node: Any = doc
        for token in path:
            node = node[token]
        ops.append(_op("test", _pointer(path), node))
    assert json_patch(doc, ops) == doc


@PROPERTY
@given(_objects, _json)
def test_property_add_then_remove_restores(doc: dict[str, Any], value: Any) -> None:
    key = "fresh~/key"
    while key in doc:
        key += "!"
    path = _pointer([key])
    assert json_patch(doc, [_op("add", path, value), _op("remove", path)]) == doc


_names = st.lists(st.sampled_from("abcdef"), unique=True, max_size=5)


@PROPERTY
@given(_names, _names, st.sampled_from(["Pod", "Deployment"]))
def test_property_containers_merge_by_name(live: list[str], patched: list[str], kind: str) -> None:
    def obj(containers: list[dict[str, Any]]) -> dict[str, Any]:
        spec = {"containers": containers}
        return {"spec": spec} if kind == "Pod" else {"spec": {"template": {"spec": spec}}}

    def containers(o: dict[str, Any]) -> list[dict[str, Any]]:
        spec = o["spec"] if kind == "Pod" else o["spec"]["template"]["spec"]
        return spec["containers"]  # type: ignore[no-any-return]

    before = obj([_ctr(n, image=f"{n}:1", port=1) for n in live])
    patch = obj([_ctr(n, image=f"{n}:2") for n in patched])
    result = strategic_merge_patch(freeze(before), freeze(patch), kind)
    assert result == strategic_merge_patch(before, patch, kind) and _plain(result)
    got = containers(result)
    assert sorted(c["name"] for c in got) == sorted(set(live) | set(patched))
    for c in got:
        assert c["image"] == (f"{c['name']}:2" if c["name"] in patched else f"{c['name']}:1")
        assert ("port" in c) == (c["name"] in live)
    assert [c["name"] for c in got if c["name"] in patched] == patched


@PROPERTY
@given(_objects, _objects, st.sampled_from(["merge", "strategic"]), st.sampled_from(["Pod", "X"]))
def test_property_frozen_inputs_are_never_mutated(
    doc: dict[str, Any], patch: dict[str, Any], patch_type: str, kind: str
) -> None:
    frozen_doc, frozen_patch = freeze(doc), freeze(patch)
    try:
        expected: Any = apply_patch(doc, patch, patch_type, kind)
    except PatchError as e:
        expected = e
    try:
        got: Any = apply_patch(frozen_doc, frozen_patch, patch_type, kind)
    except PatchError as e:
        got = e
    if isinstance(expected, PatchError):
        assert isinstance(got, PatchError) and str(got) == str(expected)
    else:
        assert got == expected and _plain(got)
    assert frozen_doc == doc and frozen_patch == patch


@PROPERTY
@given(st.data(), _objects.filter(bool))
def test_property_frozen_json_patch_inputs_are_never_mutated(
    data: st.DataObject, doc: dict[str, Any]
) -> None:
    path = data.draw(st.sampled_from(_leaves(doc, [])))
    value = data.draw(st.dictionaries(_keys, _json, max_size=2))
    ops = [_op("replace", _pointer(path), 0), _op("add", "/new", value), _op("add", "/new/k", 1)]
    frozen_doc, frozen_ops = freeze(doc), freeze(ops)
    got = json_patch(frozen_doc, frozen_ops)
    assert got == json_patch(doc, ops) and _plain(got)
    assert frozen_doc == doc and frozen_ops == ops and "k" not in value
