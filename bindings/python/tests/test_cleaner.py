"""The Python API: cleaning, offsets, batches, threads, rule options, errors."""

from __future__ import annotations

import ast
import pickle
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
from corpus import FIXTURES, REPO_ROOT, documents

import deboil

BODY = "A real sentence of the article, long enough to be kept as it is.\n"


@pytest.fixture(scope="module")
def cleaner() -> deboil.Cleaner:
    return deboil.Cleaner()


def check_removals(original: str, result: deboil.Result) -> None:
    """Offsets are code points and bytes, sorted and disjoint."""
    encoded = original.encode("utf-8")
    prev_end = 0
    for r in result.removals:
        assert prev_end <= r.start < r.end <= len(original)
        assert original[r.start : r.end] == r.text
        assert encoded[r.byte_start : r.byte_end].decode("utf-8") == r.text
        prev_end = r.end


def test_clean_removes_debris_and_names_the_rule(cleaner: deboil.Cleaner) -> None:
    page = BODY + "\nShare on Facebook\nShare on Twitter\n"
    result = cleaner.clean(page)
    assert result.text == BODY
    assert [r.rule for r in result.removals] == ["share-button"]
    (r,) = result.removals
    assert r.category == "share"
    assert r.text == "Share on Facebook\nShare on Twitter\n"
    assert r.note is None
    check_removals(page, result)


def test_result_unpacks_compares_and_prints(cleaner: deboil.Cleaner) -> None:
    page = BODY + "Leave a reply\n"
    text, removals = cleaner.clean(page)
    assert text == BODY
    assert removals == cleaner.clean(page).removals
    assert cleaner.clean(page) == cleaner.clean(page)
    assert cleaner.clean(page) != cleaner.clean(BODY)
    assert len({removals[0], cleaner.clean(page).removals[0]}) == 1
    assert "comment-form-prompt" in repr(removals[0])
    assert repr(cleaner.clean(BODY)) == f"Result(text={BODY!r}, removals=[])"


@pytest.mark.parametrize(
    "prefix",
    [
        "",
        "Caf\u00e9\u00a0au lait, \u00a0prix\u00a0: 3\u00a0€.\n",  # NBSP, 2- and 3-byte
        "Emoji 😀 and a family 👨‍👩‍👧 before the debris.\n",  # 4-byte, ZWJ
        "東京の記事の本文です。中文内容。\n",  # CJK
        "e\u0301 combining, \u202eRTL override\u202c and a zero\u200bwidth space.\n",
    ],
)
def test_offsets_are_code_points(cleaner: deboil.Cleaner, prefix: str) -> None:
    page = f"{prefix}{BODY}\nShare on Facebook\n\n{BODY}Photo by Jane Doe/Reuters\nLeave a reply\n"
    result = cleaner.clean(page)
    assert len(result.removals) >= 2
    check_removals(page, result)
    share = next(r for r in result.removals if r.rule == "share-button")
    assert share.start == page.index("Share on Facebook")
    assert share.byte_start == len(page[: share.start].encode("utf-8"))


def test_crlf_and_non_ascii_fixtures_clean_as_specified(cleaner: deboil.Cleaner) -> None:
    # The hand-written expected outputs are the spec the Rust tests check too.
    cases = sorted((FIXTURES / "cases").glob("*.input.txt"))
    assert len(cases) >= 20
    for case in cases:
        page = case.read_bytes().decode("utf-8")
        expected = case.with_name(case.name.replace(".input.", ".expected.")).read_bytes()
        result = cleaner.clean(page)
        assert result.text.encode("utf-8") == expected, case.name
        check_removals(page, result)


def test_matches_the_cli_on_the_generated_corpus(
    cleaner: deboil.Cleaner, cli_records: dict[str, dict[str, Any]]
) -> None:
    docs = list(documents(len(cli_records)))
    results = cleaner.clean_batch([d["text"] for d in docs])
    for doc, result in zip(docs, results, strict=True):
        cli = cli_records[doc["id"]]
        assert result.text == cli["text"], doc["id"]
        got = [(r.rule, r.category, r.byte_start, r.byte_end, r.text) for r in result.removals]
        guard = result.guard
        got_guard = guard and {
            "would_remove": guard.would_remove,
            "limit": guard.limit,
            "removes": guard.removes,
        }
        assert got_guard == cli["deboil"].get("guard"), doc["id"]
        want = [
            (r["rule"], r["category"], r["start"], r["end"], r["text"])
            for r in cli["deboil"]["removals"]
        ]
        assert got == want, doc["id"]
        check_removals(doc["text"], result)


def test_clean_batch_keeps_order_on_any_pool(cleaner: deboil.Cleaner) -> None:
    texts = [d["text"] for d in documents(300)]
    one_by_one = [cleaner.clean(t) for t in texts]
    assert cleaner.clean_batch(texts) == one_by_one
    assert cleaner.clean_batch(texts, threads=1) == one_by_one
    assert cleaner.clean_batch(tuple(texts), threads=3) == one_by_one
    assert cleaner.clean_batch([]) == []


def test_clean_batch_refuses_a_single_string_and_zero_threads(cleaner: deboil.Cleaner) -> None:
    with pytest.raises(TypeError, match="use clean"):
        cleaner.clean_batch("Share on Facebook\n")
    with pytest.raises(TypeError):
        cleaner.clean_batch([BODY, 3])  # type: ignore[list-item]
    with pytest.raises(ValueError, match="at least 1"):
        cleaner.clean_batch([BODY], threads=0)


def test_one_cleaner_serves_many_python_threads(cleaner: deboil.Cleaner) -> None:
    texts = [d["text"] for d in documents(400)]
    expected = [cleaner.clean(t) for t in texts]
    with ThreadPoolExecutor(max_workers=4) as pool:
        assert list(pool.map(cleaner.clean, texts)) == expected
        batches = [texts[i : i + 50] for i in range(0, len(texts), 50)]
        got = [r for batch in pool.map(cleaner.clean_batch, batches) for r in batch]
    assert got == expected


def test_profiles_select_and_ignore() -> None:
    safe = deboil.Cleaner(profile="safe")
    balanced = deboil.Cleaner()
    aggressive = deboil.Cleaner(profile="aggressive")
    assert set(safe.rule_ids) < set(balanced.rule_ids)
    assert len(safe.rule_ids) < len(aggressive.rule_ids)
    # The aggressive profile runs a stricter variant of the content classifier.
    assert "content-classifier-strict" in set(aggressive.rule_ids) - set(balanced.rule_ids)
    assert safe.profile == "safe"

    share_only = deboil.Cleaner(select="share")
    page = BODY + "Share on Facebook\nLeave a reply\n"
    assert [r.rule for r in share_only.clean(page).removals] == ["share-button"]
    # A list and a comma-separated string mean the same.
    assert (
        deboil.Cleaner(select=["share", "comments"]).rule_ids
        == deboil.Cleaner(select="share, comments").rule_ids
    )

    no_share = deboil.Cleaner(ignore=["share-button"])
    assert "share-button" not in no_share.rule_ids
    assert [r.rule for r in no_share.clean(page).removals] == ["comment-form-prompt"]


RULE = """\
[[rule]]
id = "house-ad"
category = "ads"
summary = "Our own house ad"
scope = "line"
literals = ["Buy the print edition"]
profiles = ["safe", "balanced", "aggressive"]
remove = ["Buy the print edition"]
keep = ["Readers could buy the print edition at the kiosk."]
"""


def test_user_rule_pack(tmp_path: Path) -> None:
    pack = tmp_path / "pack"
    pack.mkdir()
    (pack / "ads.toml").write_text(RULE)
    for rules in (pack, str(pack), [pack / "ads.toml"]):
        cleaner = deboil.Cleaner(rules=rules)
        assert cleaner.rule_ids[-1] == "house-ad"
        result = cleaner.clean(BODY + "Buy the print edition\n")
        assert [(r.rule, r.category) for r in result.removals] == [("house-ad", "ads")]


def test_group_rules_apply_to_their_group_only(tmp_path: Path) -> None:
    (tmp_path / "site.toml").write_text(
        RULE.replace('id = "house-ad"', 'id = "house-ad"\ngroup = "example.org"')
    )
    cleaner = deboil.Cleaner(rules=tmp_path)
    page = BODY + "Buy the print edition\n"
    assert cleaner.clean(page, group="example.org").text == BODY
    assert cleaner.clean(page, group="other.org").text == page
    assert cleaner.clean(page).text == page
    results = cleaner.clean_batch([page, page, page], groups=["example.org", None, "other.org"])
    assert [r.text for r in results] == [BODY, page, page]
    assert cleaner.clean_batch([page], groups=None)[0].text == page
    with pytest.raises(ValueError, match="2 texts but 1 groups"):
        cleaner.clean_batch([page, page], groups=["example.org"])
    with pytest.raises(TypeError, match="one group"):
        cleaner.clean_batch([page], groups="example.org")


def test_invalid_rules_raise_rule_error_with_locations(tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text(RULE.replace('literals = ["Buy the print edition"]', "regex = 'Buy (the'"))
    with pytest.raises(deboil.RuleError) as info:
        deboil.Cleaner(rules=bad)
    err = info.value
    assert isinstance(err, ValueError)
    (d,) = err.diagnostics
    assert (d.file, d.rule) == (str(bad), "house-ad")
    assert d.line > 0 and d.col > 0
    assert str(err).startswith(f'{bad}:{d.line}:{d.col}: rule "house-ad": ')
    assert str(d) == str(err)


def test_a_pack_whose_own_examples_fail_is_refused_as_by_the_cli(tmp_path: Path) -> None:
    # Issue 18: the CLI refused such a pack, the Cleaner accepted it.
    bad = tmp_path / "bad.toml"
    bad.write_text(RULE.replace('remove = ["Buy the print edition"]', 'remove = ["Buy it now"]'))
    with pytest.raises(deboil.RuleError, match="example fails") as info:
        deboil.Cleaner(rules=bad)
    (d,) = info.value.diagnostics
    assert (d.file, d.rule) == (str(bad), "house-ad")
    assert d.line > 0


def test_every_problem_is_reported_at_once(tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text(RULE + RULE.replace("house-ad", "other").replace("scope", "skope"))
    (tmp_path / "dup.toml").write_text(RULE)
    with pytest.raises(deboil.RuleError) as info:
        deboil.Cleaner(rules=tmp_path)
    assert len(info.value.diagnostics) >= 2
    assert len(str(info.value).splitlines()) == len(info.value.diagnostics)


# Nothing but a menu (menu-run, a heuristic, takes all of it) and a share
# button (share-button, a pattern rule).
MENU_PAGE = "World\nBusiness\nSport\nCulture\nWeather\nTravel\nShare on Facebook\n"


def test_safety_guard_withholds_heuristic_removals() -> None:
    cleaner = deboil.Cleaner()
    assert cleaner.guard == 0.9
    assert "guard=0.9" in (deboil.Cleaner.__text_signature__ or "")
    guarded = cleaner.clean(MENU_PAGE)
    assert guarded.guard is not None
    assert guarded.guard.limit == 0.9
    assert guarded.guard.would_remove > 0.9 > guarded.guard.removes
    assert "Guard(would_remove=1.0, limit=0.9" in repr(guarded)
    assert guarded.text  # something is kept
    # Pattern rules still apply; only heuristic removals are withheld.
    assert [r.rule for r in guarded.removals] == ["share-button"]

    unguarded = deboil.Cleaner(guard=None).clean(MENU_PAGE)
    assert unguarded.guard is None
    assert unguarded.text == ""
    assert deboil.Cleaner(guard=1.0).clean(MENU_PAGE) == unguarded
    assert cleaner.clean(BODY).guard is None
    for bad in (1.5, -0.1, float("nan")):
        with pytest.raises(ValueError, match="guard must be a share"):
            deboil.Cleaner(guard=bad)


def test_other_errors() -> None:
    with pytest.raises(deboil.RuleError, match='no rule or category named "nope"'):
        deboil.Cleaner(select=["nope"])
    with pytest.raises(ValueError, match="unknown profile 'extreme'"):
        deboil.Cleaner(profile="extreme")
    with pytest.raises(FileNotFoundError) as info:
        deboil.Cleaner(rules="/no/such/rules")
    assert info.value.filename == "/no/such/rules"
    with pytest.raises(TypeError):
        deboil.Cleaner(ignore=3)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        deboil.Cleaner().clean(b"bytes are not text")  # type: ignore[arg-type]


def test_pickling_recompiles_from_the_arguments(tmp_path: Path) -> None:
    (tmp_path / "ads.toml").write_text(RULE)
    cleaner = deboil.Cleaner(profile="safe", rules=[tmp_path], ignore="share", guard=None)
    copy = pickle.loads(pickle.dumps(cleaner))
    assert copy.rule_ids == cleaner.rule_ids
    assert copy.guard is None
    assert repr(copy) == repr(cleaner)
    assert repr(cleaner) == (
        f"Cleaner(profile='safe', rules=[{str(tmp_path)!r}], select=[], ignore=['share'], "
        "guard=None)"
    )


def test_stub_file_describes_the_module() -> None:
    stubs = Path(__file__).parents[1] / "python" / "deboil" / "_deboil.pyi"
    stub = ast.parse(stubs.read_text())
    exported = next(
        ast.literal_eval(node.value)
        for node in stub.body
        if isinstance(node, ast.Assign) and getattr(node.targets[0], "id", "") == "__all__"
    )
    # The package's own Python functions (shared_cleaner) are typed where
    # they are written; the stubs describe the native module.
    native = [n for n in deboil.__all__ if hasattr(deboil._deboil, n)]
    assert set(deboil.__all__) - set(native) == {"shared_cleaner"}
    assert set(exported) == set(native)
    classes = {
        node.name: {
            m.name if isinstance(m, ast.FunctionDef) else getattr(m.target, "id", "")
            for m in node.body
            if isinstance(m, (ast.FunctionDef, ast.AnnAssign))
        }
        for node in stub.body
        if isinstance(node, ast.ClassDef)
    }
    for name in native:
        if name.startswith("_"):
            continue
        # The package re-exports the native module's classes themselves.
        assert getattr(deboil, name) is getattr(deboil._deboil, name)
        runtime = {n for n in vars(getattr(deboil, name)) if not n.startswith("_")}
        assert runtime <= classes[name], (
            f"{name}: {runtime - classes[name]} missing from _deboil.pyi"
        )
    assert "diagnostics" in classes["RuleError"]


def test_guide_python_example_runs() -> None:
    guide = (REPO_ROOT / "GUIDE.md").read_text(encoding="utf-8")
    section = guide.split("### Python:", 1)[1]
    example = section.split("```python\n", 1)[1].split("```", 1)[0]
    exec(compile(example, "GUIDE.md", "exec"), {})
