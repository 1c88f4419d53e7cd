"""Hypothesis strategies for what people (and scripts) send to Ko'mak's forms and
JSON endpoints: odd text, huge text, numbers as text, wrong types, missing and
repeated fields, made-up fields, broken JSON."""

import json
import string

from hypothesis import strategies as st

# Text that has broken forms before somewhere: empty, blanks, NUL and control
# characters, right-to-left marks, Uzbek ʻ and Cyrillic, digits of other scripts,
# numbers past every limit, markup, path tricks.
ODD_TEXTS = [
    "",
    " ",
    "\t\r\n",
    "\x00",
    "a\x00b",
    "\x1b[31m",
    "\u202eevil",
    "\ufeff",
    "Oʻzbekiston gʻalla",
    "Ўзбекистон",
    "٣٤٥",
    "１２３",
    "0",
    "-1",
    "1.5",
    "1e309",
    "-0",
    "NaN",
    "Infinity",
    "null",
    "true",
    "[]",
    "{}",
    "9" * 30,
    "-" + "9" * 30,
    "2147483648",
    "9223372036854775808",
    "<script>alert(1)</script>",
    "' OR 1=1 --",
    "../../../etc/passwd",
    "%00",
    "🙂" * 20,
    "e\u0301\u0301\u0301",
]
odd_text = st.sampled_from(ODD_TEXTS)
# Sizes around the usual limits: a field's max_length, 64 KiB, 128 KiB.
huge_text = st.sampled_from([300, 10_001, 70_000, 140_000]).flatmap(
    lambda size: st.sampled_from(["x", "ў", "🙂"]).map(lambda char: char * size)
)
any_text = st.one_of(
    st.text(max_size=30),
    odd_text,
    odd_text,
    st.integers().map(str),
    huge_text,
)
digits = st.text(alphabet=string.digits, min_size=1, max_size=12)


def form_value(strategy=None):
    """One posted value: the field's own kind of value or anything."""
    return any_text if strategy is None else st.one_of(strategy, any_text)


@st.composite
def form_data(draw, fields: dict, *, extra: bool = True):
    """A posted form: each field left out, given once, or repeated (a list, as the
    browser sends a field twice), sometimes with made-up fields beside them."""
    data = {}
    for name, strategy in fields.items():
        how = draw(st.sampled_from(["value", "value", "value", "missing", "repeated"]))
        if how == "value":
            data[name] = draw(form_value(strategy))
        elif how == "repeated":
            data[name] = draw(st.lists(form_value(strategy), min_size=2, max_size=4))
    if extra and draw(st.booleans()):
        data.update(
            draw(
                st.dictionaries(
                    st.text(min_size=1, max_size=12), any_text.filter(len), max_size=3
                )
            )
        )
    return data


# JSON ---------------------------------------------------------------------------------

json_scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.integers(min_value=2**63, max_value=2**70),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(max_size=20),
    odd_text,
)
json_values = st.recursive(
    json_scalars,
    lambda children: (
        st.lists(children, max_size=4)
        | st.dictionaries(st.text(max_size=8), children, max_size=4)
    ),
    max_leaves=10,
)


def wrong_for(good):
    """A wrong value in place of a good one: another JSON type, or a near miss."""
    return st.one_of(json_values, st.just([good]), st.just({"value": good}))


# Bodies that are not a JSON document the endpoint could read. A number of 5,000
# digits is over Python's limit for turning text into an int (a ValueError, not a
# JSONDecodeError); 10,000 brackets are deeper than the parser's recursion.
broken_json_bodies = st.one_of(
    st.binary(max_size=80),
    st.text(max_size=80).map(lambda text: text.encode()),
    st.sampled_from(
        [
            b"",
            b"NaN",
            b'{"events": NaN}',
            b'{"a": Infinity}',
            b"\xff\xfe{}",
            b"\xef\xbb\xbf{}",
            b'{"a": 1, "a": 2}',
            b"[" * 10_000 + b"]" * 10_000,
            b'{"x":' * 5_000 + b"1" + b"}" * 5_000,
            b"9" * 5_000,
            b'{"events": [' + b"9" * 5_000 + b"]}",
            b'{"rtt_ms": ' + b"1" * 5_000 + b"}",
            b"x" * 70_000,
        ]
    ),
)


def json_body(payload) -> bytes:
    return json.dumps(payload).encode()


@st.composite
def json_object_with(draw, fields: dict, *, optional=()):
    """An object with each field good, wrong, missing, sometimes with extra keys.
    A key given twice in the text is in `broken_json_bodies` (the last one wins)."""
    payload = {}
    for name, strategy in fields.items():
        how = draw(st.sampled_from(["good", "good", "good", "wrong", "missing"]))
        if name in optional and draw(st.booleans()):
            continue
        if how == "good":
            payload[name] = draw(strategy)
        elif how == "wrong":
            payload[name] = draw(wrong_for(draw(strategy)))
    if draw(st.integers(0, 5)) == 0:
        payload.update(
            draw(st.dictionaries(st.text(max_size=8), json_values, max_size=2))
        )
    return payload


# CSV files ----------------------------------------------------------------------------


@st.composite
def csv_files(draw, logins):
    """A cohort file as trainers make them, and as they should not."""
    header = draw(
        st.sampled_from(
            [
                "login",
                "login,name",
                "Login;Name",
                "name",
                "",
                "\ufefflogin",
                "login,login",
            ]
        )
    )
    delimiter = ";" if ";" in header else ","
    cell = st.one_of(st.sampled_from(logins), any_text.filter(lambda t: len(t) < 2000))
    rows = draw(
        st.lists(
            st.lists(cell, min_size=0, max_size=3).map(
                lambda cells: delimiter.join(
                    '"' + c.replace('"', '""') + '"' if draw_quote(c) else c
                    for c in cells
                )
            ),
            max_size=8,
        )
    )
    text = "\r\n".join([header, *rows])
    encoding = draw(
        st.sampled_from(["utf-8", "utf-8", "utf-8-sig", "utf-16", "cp1251"])
    )
    try:
        data = text.encode(encoding)
    except UnicodeEncodeError:
        data = text.encode("utf-8")
    special = st.sampled_from(
        [
            b"",
            b"\x00" * 100,
            b"login\n" + b"a" * 140_000,
            b'login\n"' + b"b" * 140_000 + b'"',
            b"login\n" + b"x\n" * 2_100,
            b"login\n" + b"y" * 600_000,
            b'login\n"unclosed',
            b"login\r\x00\n\x00",
        ]
    )
    return draw(st.one_of(st.just(data), st.just(data), special))


def draw_quote(cell: str) -> bool:
    return any(char in cell for char in ',;"\n\r')
