"""`accord tally`: a decision rule and a set of ballots in, the outcome out, with no settings and no database.

Most tests call `accord.cli.main` in this process; a few run the installed `accord` command in a subprocess, to
prove the exit codes, the messages on standard error, and that the command needs no Django settings at all.
"""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from accord.cli import main
from accord.governance import parse_ballots, parse_rule, tally

ACCORD = Path(sys.executable).with_name("accord")
EXAMPLES = Path(__file__).resolve().parent.parent / "docs" / "examples"
COMMAND_TIMEOUT = 60

# Every ballots file in docs/examples, the rule it goes with, and what the docs say comes out.
EXAMPLE_OUTCOMES = {
    # ballots file: (rule file, status, winner, rule applied)
    "consensus-minus-one.ballots.json": ("consensus-minus-one.rule.json", "passed", None, "main"),
    "radical-routes.round-1.ballots.json": ("radical-routes.rule.json", "blocked", None, "main"),
    "radical-routes.round-4.ballots.json": ("radical-routes.rule.json", "passed", None, "fallback"),
    "ranked.ballots.json": ("ranked.rule.json", "chosen", "march", "main"),
    "fist-to-five.ballots.json": ("fist-to-five.rule.json", "needs_discussion", None, "main"),
    "weighted-by-size.ballots.json": ("weighted-by-size.rule.json", "passed", None, "main"),
}

FOUR_PEOPLE = {
    "eligible": [{"unit": "a"}, {"unit": "b"}, {"unit": "c"}, {"unit": "d"}],
    "stances": [
        {"unit": "a", "position": "agree"},
        {"unit": "b", "position": "agree"},
        {"unit": "c", "position": "agree"},
        {"unit": "d", "position": "maybe"},
    ],
}
CONSENSUS = {"method": "consensus"}


def run(*args: str, stdin: str = "", monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]):
    """`accord <args>` in this process: (exit code, standard output, standard error)."""
    monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
    code = main(list(args))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def write(path: Path, data: object) -> str:
    path.write_text(json.dumps(data) if not isinstance(data, str) else data, encoding="utf-8")
    return str(path)


@pytest.fixture
def accord(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]):
    def call(*args: str, stdin: str = ""):
        return run(*args, stdin=stdin, monkeypatch=monkeypatch, capsys=capsys)

    return call


def run_installed(*args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    """The installed `accord` command, with settings that would fail to load if anything tried to."""
    env = {key: value for key, value in os.environ.items() if not key.startswith(("ACCORD_", "DJANGO_", "DATABASE_"))}
    env["DJANGO_SETTINGS_MODULE"] = "accord.no_such_settings"
    return subprocess.run(
        [str(ACCORD), *args], input=stdin, capture_output=True, text=True, env=env, timeout=COMMAND_TIMEOUT
    )


# --- the examples the docs refer to -------------------------------------------------------------------------------


@pytest.mark.parametrize("ballots_file", sorted(EXAMPLE_OUTCOMES))
def test_each_example_gives_the_outcome_the_docs_describe(accord, ballots_file: str):
    rule_file, status, winner, rule_applied = EXAMPLE_OUTCOMES[ballots_file]
    code, out, err = accord("tally", "--rule", str(EXAMPLES / rule_file), "--ballots", str(EXAMPLES / ballots_file))
    assert (code, err) == (0, "")
    outcome = json.loads(out)
    assert outcome["status"] == status
    assert outcome["winner"] == winner
    assert outcome["tied"] == []
    assert outcome["rule_applied"] == rule_applied


def test_every_example_file_is_checked_above():
    assert sorted(path.name for path in EXAMPLES.glob("*.ballots.json")) == sorted(EXAMPLE_OUTCOMES)
    assert sorted(path.name for path in EXAMPLES.glob("*.rule.json")) == sorted(
        {rule for rule, *_ in EXAMPLE_OUTCOMES.values()}
    )
    assert sorted(path.name for path in EXAMPLES.iterdir()) == sorted(
        [*EXAMPLE_OUTCOMES, *{rule for rule, *_ in EXAMPLE_OUTCOMES.values()}]
    )


def test_the_examples_show_what_the_docs_say_they_show(accord):
    def outcome(rule: str, ballots: str) -> dict:
        code, out, _ = accord("tally", "--rule", str(EXAMPLES / rule), "--ballots", str(EXAMPLES / ballots))
        assert code == 0
        return json.loads(out)

    # Consensus minus one: grace's block is replaced by her later agreement, so dev's is the one block allowed.
    minus_one = outcome("consensus-minus-one.rule.json", "consensus-minus-one.ballots.json")
    assert minus_one["counts"]["blocks"] == 1
    assert minus_one["summary"] == "Passed: 1 block, allowed 1; 6 people agreeing."
    # Radical Routes: 26 member groups allow 2 blocks; 3 block.
    round_1 = outcome("radical-routes.rule.json", "radical-routes.round-1.ballots.json")
    assert [(c["name"], c["required"], c["found"], c["met"]) for c in round_1["conditions"]] == [
        ("blocks", "at most 2", "3", False),
        ("agreement", "at least 1", "20", True),
    ]
    round_4 = outcome("radical-routes.rule.json", "radical-routes.round-4.ballots.json")
    assert round_4["summary"] == (
        "Decided under the fallback rule after 3 failed rounds. "
        "Passed: 23 of 25 decided member groups agree (92%, needed 90%)."
    )
    # Instant runoff: blockade leads on first preferences, march wins once teach-in and petition are dropped.
    ranked = outcome("ranked.rule.json", "ranked.ballots.json")
    assert ranked["counts"]["rounds"] == [
        {"march": "3", "blockade": "4", "petition": "2", "teach-in": "1"},
        {"march": "4", "blockade": "4", "petition": "2"},
        {"march": "6", "blockade": "4"},
    ]


def test_weighting_by_size_decides_the_weighted_example(accord):
    """The same ballots, one group one vote: the big co-housing project no longer carries it."""
    ballots = str(EXAMPLES / "weighted-by-size.ballots.json")
    code, out, _ = accord(
        "tally", "--rule", "-", "--ballots", ballots, stdin='{"method": "majority", "unit": "groups"}'
    )
    assert code == 0
    assert json.loads(out)["status"] == "rejected"


# --- output -------------------------------------------------------------------------------------------------------


def test_json_output_is_exactly_the_outcome_of_the_kernel(accord):
    rule_path, ballots_path = EXAMPLES / "ranked.rule.json", EXAMPLES / "ranked.ballots.json"
    code, out, err = accord("tally", "--rule", str(rule_path), "--ballots", str(ballots_path))
    rule = parse_rule(json.loads(rule_path.read_text()))
    ballots = parse_ballots(json.loads(ballots_path.read_text()), rule=rule)
    expected = tally(
        rule,
        eligible=ballots.eligible,
        stances=ballots.stances,
        options=ballots.options,
        failed_rounds=ballots.failed_rounds,
    ).to_json()
    assert (code, err) == (0, "")
    assert out == json.dumps(expected, indent=2, ensure_ascii=False) + "\n"
    assert list(json.loads(out)) == ["status", "rule_applied", "winner", "tied", "counts", "conditions", "summary"]


def test_explain_prints_the_rule_in_words_and_the_summary(accord):
    code, out, err = accord(
        "tally",
        "--rule",
        str(EXAMPLES / "radical-routes.rule.json"),
        "--ballots",
        str(EXAMPLES / "radical-routes.round-1.ballots.json"),
        "--explain",
    )
    assert (code, err) == (0, "")
    assert out == (
        "Rule: Consensus of member groups (each group gives one position): passes when at least one agrees and "
        "there is no more than one block per 12 eligible member groups. After 3 failed rounds: Super-majority of "
        "member groups (each group gives one position): passes with at least 90% of those who agree or "
        "disagree.\n"
        "\n"
        "Blocked: 3 blocks, allowed 2 under one block per 12 member groups, 26 eligible: 1 more than allowed; "
        "20 member groups agreeing.\n"
    )


# --- refusals, each naming the field or the file ------------------------------------------------------------------


def test_a_stance_the_rule_cannot_count_names_its_path(accord, tmp_path: Path):
    code, out, err = accord(
        "tally", "--rule", write(tmp_path / "r.json", CONSENSUS), "--ballots", write(tmp_path / "b.json", FOUR_PEOPLE)
    )
    assert (code, out) == (2, "")
    assert err == (
        "accord tally: ballots.stances[3].position: Position 'maybe' is not accepted by the consensus method: "
        'use "agree", "stand_aside", "abstain", "block".\n'
    )


@pytest.mark.parametrize(
    ("rule", "message"),
    [
        (
            {"method": "consensus", "fallback": {"after_failed_rounds": 3, "rule": {"method": "supermajority"}}},
            'rule.fallback.rule.threshold: A super-majority needs a threshold, like "2/3" or "0.9".',
        ),
        (
            {"method": "supermajority", "threshold": "50%"},
            "rule.threshold: A super-majority threshold must be more than one half and at most 1 (it is 50%); "
            "for one half use the majority method.",
        ),
        (
            {"method": "consensus", "base": "cast"},
            'rule.base: "base" does not apply to the consensus method; remove it.',
        ),
        (["consensus"], 'rule: Give the rule as a JSON object, like {"method": "majority"}.'),
    ],
)
def test_a_rule_that_cannot_be_used_names_the_field(accord, tmp_path: Path, rule: object, message: str):
    ballots = write(tmp_path / "b.json", FOUR_PEOPLE)
    code, out, err = accord("tally", "--rule", write(tmp_path / "r.json", rule), "--ballots", ballots)
    assert (code, out, err) == (2, "", f"accord tally: {message}\n")


def test_ballots_are_checked_against_the_fallback_once_it_applies(accord, tmp_path: Path):
    """After three failed rounds the super-majority decides, and it takes no blocks."""
    ballots = json.loads((EXAMPLES / "radical-routes.round-4.ballots.json").read_text())
    ballots["stances"][2] = {"unit": "coop-03", "position": "block", "reason": "Still no."}
    code, out, err = accord(
        "tally",
        "--rule",
        str(EXAMPLES / "radical-routes.rule.json"),
        "--ballots",
        write(tmp_path / "b.json", ballots),
    )
    assert (code, out) == (2, "")
    assert err == (
        "accord tally: ballots.stances[2].position: Position 'block' is not accepted by the supermajority method "
        '(this rule allows no blocks): use "agree", "disagree", "abstain".\n'
    )


def test_malformed_json_names_the_file_line_and_column(accord, tmp_path: Path):
    broken = write(tmp_path / "rule.json", '{\n  "method": "consensus",\n  "blocks_allowed": 1,\n}\n')
    code, out, err = accord("tally", "--rule", broken, "--ballots", write(tmp_path / "b.json", FOUR_PEOPLE))
    assert (code, out) == (2, "")
    assert err == (
        f"accord tally: the rule file {broken} is not valid JSON: "
        "Expecting property name enclosed in double quotes at line 4, column 1.\n"
    )


def test_a_missing_file_is_named(accord, tmp_path: Path):
    missing = str(tmp_path / "no-such-ballots.json")
    code, out, err = accord("tally", "--rule", write(tmp_path / "r.json", CONSENSUS), "--ballots", missing)
    assert (code, out, err) == (2, "", f"accord tally: the ballots file {missing} does not exist.\n")


def test_a_folder_an_empty_file_and_a_file_not_in_utf8_are_refused(accord, tmp_path: Path):
    ballots = write(tmp_path / "b.json", FOUR_PEOPLE)
    assert accord("tally", "--rule", str(tmp_path), "--ballots", ballots) == (
        2,
        "",
        f"accord tally: the rule file {tmp_path} is a folder, not a file.\n",
    )
    empty = write(tmp_path / "empty.json", "\n")
    assert accord("tally", "--rule", empty, "--ballots", ballots)[2] == (
        f"accord tally: the rule file {empty} is empty; it should hold one JSON object.\n"
    )
    latin1 = tmp_path / "latin1.json"
    latin1.write_bytes('{"method": "consensus", "unit": "caf\u00e9"}'.encode("latin-1"))
    assert accord("tally", "--rule", str(latin1), "--ballots", ballots)[2] == (
        f"accord tally: the rule file {latin1} is not UTF-8 text; save it as UTF-8 JSON.\n"
    )


def test_an_unreadable_file_is_named(accord, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    locked = write(tmp_path / "r.json", CONSENSUS)
    ballots = write(tmp_path / "b.json", FOUR_PEOPLE)
    real_open = open

    def open_refusing_the_rule(file, *args, **kwargs):  # chmod 0 would not stop root, who may run the tests
        if file == locked:
            raise PermissionError(13, "Permission denied", file)
        return real_open(file, *args, **kwargs)

    monkeypatch.setattr("accord.cli.open", open_refusing_the_rule, raising=False)
    code, out, err = accord("tally", "--rule", locked, "--ballots", ballots)
    assert (code, out, err) == (2, "", f"accord tally: cannot read the rule file {locked} (Permission denied).\n")


def test_a_key_given_twice_is_refused_rather_than_half_read(accord, tmp_path: Path):
    rule = write(tmp_path / "r.json", '{"method": "majority", "method": "consensus"}')
    code, out, err = accord("tally", "--rule", rule, "--ballots", write(tmp_path / "b.json", FOUR_PEOPLE))
    assert (code, out, err) == (
        2,
        "",
        f'accord tally: the rule file {rule} gives "method" twice in one object; keep one of them.\n',
    )


# --- standard input -----------------------------------------------------------------------------------------------


def test_either_file_can_come_from_standard_input(accord, tmp_path: Path):
    rule_file = str(EXAMPLES / "consensus-minus-one.rule.json")
    ballots_file = EXAMPLES / "consensus-minus-one.ballots.json"
    from_file = accord("tally", "--rule", rule_file, "--ballots", str(ballots_file))
    ballots_on_stdin = accord("tally", "--rule", rule_file, "--ballots", "-", stdin=ballots_file.read_text())
    rule_on_stdin = accord(
        "tally", "--rule", "-", "--ballots", str(ballots_file), stdin=Path(rule_file).read_text(encoding="utf-8")
    )
    assert from_file[0] == 0
    assert from_file == ballots_on_stdin == rule_on_stdin


def test_standard_input_is_named_in_errors_and_read_for_one_file_only(accord, tmp_path: Path):
    ballots = write(tmp_path / "b.json", FOUR_PEOPLE)
    assert accord("tally", "--rule", "-", "--ballots", ballots, stdin='{"method": ')[2] == (
        "accord tally: the rule on standard input is not valid JSON: Expecting value at line 1, column 12.\n"
    )
    assert accord("tally", "--rule", "-", "--ballots", "-", stdin="{}") == (
        2,
        "",
        "accord tally: only one of --rule and --ballots can be read from standard input (-); "
        "give a file for the other.\n",
    )


# --- the installed command ----------------------------------------------------------------------------------------


def test_the_installed_command_exits_0_with_the_outcome_and_needs_no_settings():
    assert ACCORD.exists(), f"the `accord` entry point is not installed in {ACCORD.parent}: run `pip install -e .`"
    result = run_installed(
        "tally",
        "--rule",
        str(EXAMPLES / "radical-routes.rule.json"),
        "--ballots",
        "-",
        stdin=(EXAMPLES / "radical-routes.round-4.ballots.json").read_text(),
    )
    assert (result.returncode, result.stderr) == (0, "")
    outcome = json.loads(result.stdout)
    assert (outcome["status"], outcome["rule_applied"]) == ("passed", "fallback")


def test_the_installed_command_exits_2_with_the_path_of_the_bad_field(tmp_path: Path):
    result = run_installed(
        "tally", "--rule", write(tmp_path / "r.json", CONSENSUS), "--ballots", write(tmp_path / "b.json", FOUR_PEOPLE)
    )
    assert (result.returncode, result.stdout) == (2, "")
    assert result.stderr.startswith("accord tally: ballots.stances[3].position: Position 'maybe' is not accepted")
    missing = run_installed("tally", "--rule", str(tmp_path / "gone.json"), "--ballots", "-")
    assert (missing.returncode, missing.stderr) == (
        2,
        f"accord tally: the rule file {tmp_path / 'gone.json'} does not exist.\n",
    )
    usage = run_installed("tally", "--rule", str(tmp_path / "r.json"))
    assert usage.returncode == 2
    assert "the following arguments are required: --ballots" in usage.stderr


def test_tally_imports_no_django():
    code = (
        "import sys\n"
        "from accord.cli import main\n"
        f"code = main(['tally', '--rule', {str(EXAMPLES / 'ranked.rule.json')!r}, "
        f"'--ballots', {str(EXAMPLES / 'ranked.ballots.json')!r}, '--explain'])\n"
        "assert code == 0, code\n"
        "loaded = sorted(name for name in sys.modules if name == 'django' or name.startswith('django.'))\n"
        "assert not loaded, loaded\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "accord.no_such_settings"},
        timeout=COMMAND_TIMEOUT,
    )
    assert result.returncode == 0, result.stderr
    assert "march wins" in result.stdout


# --- the documentation --------------------------------------------------------------------------------------------

DOCS = EXAMPLES.parent / "decision-rules.md"


def documented_runs() -> list[tuple[str, str, str]]:
    """Each `$ accord tally …` in docs/decision-rules.md on the example files: (command, standard input, output).

    The output is the indented block under the command, or else the JSON block that follows it."""
    lines = DOCS.read_text(encoding="utf-8").splitlines()
    runs = []
    for index, line in enumerate(lines):
        command = line.strip()
        if not line.startswith("    $ ") or "accord tally" not in command:
            continue
        stdin = ""
        if " | " in command:
            echoed, command = command[2:].split(" | ", 1)
            stdin = echoed.removeprefix("echo '").removesuffix("'") + "\n"
        else:
            command = command[2:]
        files = [word for word in command.split() if word.endswith(".json")]
        if not all(word.startswith("docs/examples/") for word in files):
            continue  # the error examples name files of the reader's own
        output = []
        for following in lines[index + 1 :]:
            if following.startswith("    $ ") or (following and not following.startswith("    ")):
                break
            output.append(following.removeprefix("    "))
        text = "\n".join(output).strip("\n")
        if not text:
            start = lines.index("```json", index)
            text = "\n".join(lines[start + 1 : lines.index("```", start)])
        runs.append((command, stdin, text + "\n"))
    return runs


def test_the_documentation_shows_real_runs(accord, monkeypatch: pytest.MonkeyPatch):
    runs = documented_runs()
    assert len(runs) >= 5
    monkeypatch.chdir(DOCS.parent.parent)
    for command, stdin, expected in runs:
        code, out, err = accord(*command.split()[1:], stdin=stdin)
        assert (code, err) == (0, ""), command
        assert out == expected, command
