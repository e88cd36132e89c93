"""The kernel's instant runoff and Schulze against pref_voting's, on thousands of random profiles.

pref_voting (a test-only dependency; importing it takes about 1.5 s, it brings numpy, numba and matplotlib) names
candidates 0..n-1; the kernel's options here are the same numbers as text.

Which pref_voting functions, and why they mean what the kernel means:

* Instant runoff on complete rankings: `instant_runoff` (voting_methods / iterative_methods) with its default
  algorithm "basic" and no tie_breaker. It removes *all* candidates tied for the fewest first preferences at once,
  stops as soon as one candidate has a strict majority, and when every remaining candidate is removed together it
  returns them all: exactly the kernel's rule. (`instant_runoff_tb` removes one tied candidate by a fixed order and
  `instant_runoff_put` explores every order of removal, "parallel universes": neither is the kernel's rule.)
* Instant runoff on truncated rankings: `instant_runoff_for_truncated_linear_orders`: the same simultaneous
  removal, with the majority counted among the ballots that still rank a continuing candidate (exhausted ballots
  leave the count), as the kernel does.
* Schulze: `beat_path` (Floyd-Warshall), strongest paths measured by margins. For truncated rankings the profile
  uses "extended strict preference", under which a ranked candidate is above every unranked one, the kernel's
  reading of a partial ranking.

Since the two agree on every tie rule, no profile is left out of the comparison; the tests also check that
elimination ties, multi-way ties and Condorcet cycles actually occurred among the profiles compared.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from fractions import Fraction

from pref_voting.iterative_methods import instant_runoff_for_truncated_linear_orders
from pref_voting.profiles import Profile
from pref_voting.profiles_with_ties import ProfileWithTies
from pref_voting.voting_methods import beat_path, instant_runoff

from accord.governance import CHOSEN, TIE, Outcome, Stance, Unit, parse_rule, tally

PROFILES = 2000


@dataclass
class Election:
    candidates: int
    rankings: list[list[int]]
    counts: list[int]  # how many voters cast each ranking (the kernel: a custom weight per unit)

    def kernel(self, method: str) -> Outcome:
        weighted = any(count != 1 for count in self.counts)
        rule = parse_rule({"method": method, "weighting": "custom" if weighted else "equal"})
        eligible = [Unit(f"v{index}", weight=Fraction(count)) for index, count in enumerate(self.counts)]
        stances = [
            Stance(f"v{index}", ranking=tuple(str(candidate) for candidate in ranking))
            for index, ranking in enumerate(self.rankings)
        ]
        return tally(rule, eligible=eligible, stances=stances, options=[str(c) for c in range(self.candidates)])

    def complete_profile(self) -> Profile:
        return Profile(self.rankings, rcounts=self.counts)

    def truncated_profile(self) -> ProfileWithTies:
        profile = ProfileWithTies(
            [{candidate: rank for rank, candidate in enumerate(ranking, start=1)} for ranking in self.rankings],
            rcounts=self.counts,
            candidates=list(range(self.candidates)),
        )
        profile.use_extended_strict_preference()
        return profile


def elections(seed: int, count: int, *, truncated: bool = False, weighted: bool = False) -> Iterator[Election]:
    """Random profiles: 3-5 candidates, 5-40 voters, strict rankings (complete unless `truncated`).

    Most profiles are impartial culture; one in three draws rankings from only a few distinct orders, which makes
    cycles and ties far more common than uniform draws would."""
    rng = random.Random(seed)
    for _ in range(count):
        candidates = rng.randint(3, 5)
        voters = rng.randint(5, 40)
        if rng.random() < 1 / 3:
            pool = [rng.sample(range(candidates), candidates) for _ in range(rng.randint(2, 4))]
            rankings = [list(rng.choice(pool)) for _ in range(voters)]
        else:
            rankings = [rng.sample(range(candidates), candidates) for _ in range(voters)]
        if truncated:
            rankings = [ranking[: rng.randint(1, candidates)] for ranking in rankings]
        counts = [rng.randint(1, 5) if weighted else 1 for _ in rankings]
        yield Election(candidates, rankings, counts)


def winner_set(outcome: Outcome) -> list[int]:
    assert outcome.status in (CHOSEN, TIE)
    return sorted(int(option) for option in ([outcome.winner] if outcome.winner else outcome.tied))


def several_dropped_at_once(outcome: Outcome) -> bool:
    rounds = outcome.counts["rounds"]
    return any(len(before) - len(after) > 1 for before, after in zip(rounds, rounds[1:], strict=False))


def compare(
    method: str,
    reference: Callable[[Election], list[int]],
    profiles: Iterator[Election],
) -> dict[str, int]:
    seen = {"profiles": 0, "ties": 0, "several_dropped": 0}
    for election in profiles:
        outcome = election.kernel(method)
        expected = sorted(int(candidate) for candidate in reference(election))
        assert winner_set(outcome) == expected, (method, election)
        seen["profiles"] += 1
        seen["ties"] += outcome.status == TIE
        if method == "ranked_irv":
            seen["several_dropped"] += several_dropped_at_once(outcome)
    return seen


def test_instant_runoff_matches_pref_voting_on_complete_rankings() -> None:
    seen = compare("ranked_irv", lambda election: instant_runoff(election.complete_profile()), elections(1, PROFILES))
    assert seen["profiles"] == PROFILES
    assert seen["ties"] >= 80 and seen["several_dropped"] >= 250, seen  # the tie rules were put to the test


def test_schulze_matches_pref_voting_on_complete_rankings() -> None:
    seen = compare("ranked_schulze", lambda election: beat_path(election.complete_profile()), elections(2, PROFILES))
    assert seen["profiles"] == PROFILES
    assert seen["ties"] >= 150, seen


def test_ranked_methods_match_pref_voting_on_truncated_rankings() -> None:
    irv = compare(
        "ranked_irv",
        lambda election: instant_runoff_for_truncated_linear_orders(election.truncated_profile()),
        elections(3, PROFILES // 2, truncated=True),
    )
    schulze = compare(
        "ranked_schulze",
        lambda election: beat_path(election.truncated_profile()),
        elections(4, PROFILES // 2, truncated=True),
    )
    assert irv["ties"] >= 50 and irv["several_dropped"] >= 150 and schulze["ties"] >= 50, (irv, schulze)


def test_ranked_methods_match_pref_voting_with_weights() -> None:
    # A custom weight of k for a unit counts as k voters casting its ranking (pref_voting's rcounts).
    compare(
        "ranked_irv",
        lambda election: instant_runoff(election.complete_profile()),
        elections(5, PROFILES // 4, weighted=True),
    )
    compare(
        "ranked_schulze",
        lambda election: beat_path(election.complete_profile()),
        elections(6, PROFILES // 4, weighted=True),
    )


def test_a_schulze_cycle_is_among_the_profiles() -> None:
    """At least some compared profiles have no Condorcet winner, so Schulze's paths (not just pairs) were tested."""
    cycles = 0
    for election in elections(2, PROFILES):
        profile = election.complete_profile()
        if profile.condorcet_winner() is None:
            cycles += 1
    assert cycles >= 250
