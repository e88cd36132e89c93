"""The JSON API's shapes for decisions: the decision-kind table, agreed weights, proposals, rounds, stances, outcomes
and the rule simulator.

Inputs (`...In`) are strict, like every input of the API: a JSON number where a number is asked, true/false where a
flag is, no unknown fields, every id an `Id`. Two inputs are the exception on purpose: a decision rule (`Rule`) and
the simulator's ballots (`Ballots`) are documented here field by field but validated by the governance kernel, the
one that will count them, so that every mistake, however deeply nested, is answered with the kernel's own message
and path (`rule.fallback.rule.threshold`, `ballots.stances[3].position`) rather than with a second, differently
worded check. Times are ISO 8601 with a time zone (`2025-03-01T18:30:00Z`, `2025-03-01T19:30:00+01:00`).
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from ninja import Field, Schema
from pydantic import BeforeValidator, ConfigDict, PlainValidator, field_validator, model_serializer
from pydantic.json_schema import SkipJsonSchema
from pydantic_core import PydanticCustomError

from accord.api.inputs import Id, StrictInput
from accord.api.pagination import PageQuery, page_of
from accord.governance import METHODS, POSITIONS, UNITS, WEIGHTINGS

from .models import Status

Method = Literal[METHODS]  # type: ignore[valid-type]
Unit = Literal[UNITS]  # type: ignore[valid-type]
Weighting = Literal[WEIGHTINGS]  # type: ignore[valid-type]
Base = Literal["decided", "cast", "eligible"]
QuorumBy = Literal["count", "weight"]
Position = Literal[POSITIONS]  # type: ignore[valid-type]
ProposalStatus = Literal[tuple(Status.values)]  # type: ignore[valid-type]
OutcomeStatus = Literal["passed", "rejected", "blocked", "no_quorum", "needs_discussion", "chosen", "tie"]
Scope = Literal["coalition", "affected_groups"]
ResultsVisibility = Literal["live", "after_close"]
StanceVisibility = Literal["open", "secret"]
UnitKind = Literal["person", "member_group"]
RuleApplied = Literal["main", "fallback"]

# A number the kernel reads exactly: "2/3", "0.9", "90%", or a JSON number.
EXACT_NUMBER = 'An exact share: a fraction like "2/3", a decimal like "0.9", a percentage like "90%", or a JSON number.'


def _no_default(schema: dict[str, Any]) -> None:
    schema.pop("default", None)


def _absent(description: str, **extra: Any) -> Any:
    """A field that may be left out but not sent as null: documented with neither a null nor a default."""
    return Field(None, description=description, json_schema_extra=_no_default, **extra)


# --- the rule JSON, documented (the kernel validates it) -------------------------------------------------------


class FistToFive(Schema):
    """Where fist-to-five scores (0 to 5) turn into blocks and concerns."""

    block_at_or_below: int | None = Field(
        0, ge=-1, le=4, description="A score at or below this is a block; null or -1: no score is a block."
    )
    concern_at_or_below: int = Field(
        2, ge=-1, le=4, description="A score above the block level and at or below this is a concern."
    )
    max_concerns: int | None = Field(
        0, ge=0, description="More concerns than this: the proposal needs discussion; null: no limit."
    )


class RuleFallback(Schema):
    """The rule that decides once a proposal has failed this many rounds (counted from its first round)."""

    after_failed_rounds: int = Field(..., ge=1, le=1_000_000)
    rule: Rule = Field(..., description="A complete rule of its own: it inherits nothing from the rule above it.")


class Rule(Schema):
    """A decision rule, as the constitution stores it (docs/decision-rules.md). Only `method` is required.

    A field the method does not use is refused, not ignored. Validation is the governance kernel's: an error names
    the field at fault as a path, such as `rule.fallback.rule.threshold`. Rules are returned in their canonical
    form: defaults written out, shares as exact fractions ("9/10").
    """

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "method": "consensus",
                    "unit": "groups",
                    "blocks_per_units": 12,
                    "quorum": "1/2",
                    "fallback": {
                        "after_failed_rounds": 3,
                        "rule": {"method": "supermajority", "unit": "groups", "threshold": "9/10"},
                    },
                }
            ]
        }
    )

    method: Method = Field(
        ...,
        description=(
            "Accept or refuse one proposal: `majority`, `supermajority`, `consensus` (each unit gives a position) "
            "or `fist_to_five` (a score 0 to 5). Choose between options: `approval`, `score`, `dots`, `ranked_irv`, "
            "`ranked_schulze`."
        ),
    )
    unit: Unit = Field(
        "people",
        description="Who responds: `people`; `groups` (a member group's delegates give its one position); or "
        "`groups_and_individuals` (member groups and individual members).",
    )
    weighting: Weighting = Field(
        "equal",
        description="Each unit's weight: `equal`; `size` (the group's size); `sqrt_size` (its square root); "
        "`custom` (the coalition's agreed weights).",
    )
    base: Base | SkipJsonSchema[None] = _absent(
        "Majority and super-majority only: what the agreeing share is of. `decided` (agree + disagree + block, the "
        "default), `cast` (every stance, abstentions count against), `eligible` (not responding counts against)."
    )
    threshold: str | float | SkipJsonSchema[None] = _absent(
        "Super-majority only, and required there: more than one half and at most 1, reached at or above it. "
        + EXACT_NUMBER,
        examples=["2/3", "0.9", "90%"],
    )
    quorum: str | float | SkipJsonSchema[None] = _absent(
        "The share of eligible units that must respond (any stance counts, an abstention too), more than 0 and at "
        "most 1; leave it out for no quorum. " + EXACT_NUMBER,
        examples=["1/2"],
    )
    quorum_by: QuorumBy | SkipJsonSchema[None] = _absent(
        "Only with a quorum: measure it by `count` of units (the default) or by `weight`."
    )
    blocks_allowed: int | SkipJsonSchema[None] = _absent(
        "Blocks disregarded, 0 or more (consensus minus one is 1). Consensus and fist-to-five allow none unless "
        "set; a majority or super-majority with an allowance also accepts the position `block`. Not together with "
        "`blocks_per_units`.",
        ge=0,
        le=1_000_000,
    )
    blocks_per_units: int | SkipJsonSchema[None] = _absent(
        "One disregarded block per this many eligible units, rounded down (Radical Routes: 12).",
        ge=1,
        le=1_000_000,
    )
    max_stand_asides: int | SkipJsonSchema[None] = _absent(
        "Consensus only: more stand asides than this and the proposal needs discussion; no limit when left out.",
        ge=0,
        le=1_000_000,
    )
    fist_to_five: FistToFive | SkipJsonSchema[None] = _absent("Fist-to-five only: the block and concern levels.")
    dots: int | SkipJsonSchema[None] = _absent(
        "Dot vote only: the most dots one unit spreads (default 10).", ge=1, le=1_000_000
    )
    max_score: int | SkipJsonSchema[None] = _absent(
        "Score vote only: the highest score per option (default 5).", ge=1, le=1_000_000
    )
    fallback: RuleFallback | SkipJsonSchema[None] = _absent(
        "Another rule that decides after so many failed rounds; of the same kind (accepting a proposal, or "
        "choosing between options)."
    )

    @model_serializer(mode="wrap")
    def _as_written(self, handler: Any) -> Any:
        # A rule says only what it says: a key the method does not use is left out, never written as null (the
        # kernel would refuse the rule sent back as it was read).
        return {key: value for key, value in handler(self).items() if value is not None}


RuleFallback.model_rebuild()


def _as_sent(value: Any) -> Any:
    return value


# A rule in a request body: documented as `Rule`, handed to the kernel as it was sent.
RuleInput = Annotated[Any, PlainValidator(_as_sent, json_schema_input_type=Rule)]


# --- the simulator's ballots, documented (the kernel validates them) --------------------------------------------


class BallotUnit(Schema):
    """One eligible unit."""

    unit: str = Field(..., max_length=200, description="Its name, unique in the list.", examples=["g1"])
    size: int = Field(1, ge=1, description="How many people it represents.")
    weight: str | float | SkipJsonSchema[None] = _absent(
        "Its weight, more than 0; required for every unit under `custom` weighting. " + EXACT_NUMBER
    )


class BallotStance(Schema):
    """One stance: the unit, exactly one of `position`, `score`, `ranking`, `approve`, `scores`, `dots` (any method
    also takes the position `abstain`), and a reason (required for a block)."""

    unit: str = Field(..., description="An eligible unit's name.")
    position: Position | SkipJsonSchema[None] = _absent("Majority, super-majority, consensus; `abstain` for any.")
    score: int | SkipJsonSchema[None] = _absent("Fist-to-five: 0 to 5.", ge=0, le=5)
    ranking: list[str] | SkipJsonSchema[None] = _absent("Ranked choice: options, most preferred first.")
    approve: list[str] | SkipJsonSchema[None] = _absent("Approval: the options approved.")
    scores: dict[str, int] | SkipJsonSchema[None] = _absent("Score vote: option → 0 to `max_score`.")
    dots: dict[str, int] | SkipJsonSchema[None] = _absent("Dot vote: option → dots.")
    reason: str = Field("", max_length=4000)


class Ballots(Schema):
    """A round to count: who is eligible, the options, how many rounds failed before, and the stances in the
    order they were given (a unit's latest stance counts)."""

    eligible: list[BallotUnit] = Field(..., min_length=1, max_length=100_000)
    options: list[str] = Field(default_factory=list, description="At least two for the option methods.")
    failed_rounds: int = Field(0, ge=0, description="Failed rounds before this one: picks the main rule or a fallback.")
    stances: list[BallotStance] = Field(default_factory=list, max_length=100_000)


BallotsInput = Annotated[Any, PlainValidator(_as_sent, json_schema_input_type=Ballots)]


# --- the outcome ---------------------------------------------------------------------------------------------------


class Condition(Schema):
    """One condition of the rule: what it required, what was found, whether it held, in plain words."""

    name: str = Field(..., examples=["quorum", "blocks", "stand_asides", "concerns", "agreement", "threshold"])
    required: str
    found: str
    met: bool
    explanation: str


class Outcome(Schema):
    """The verdict of a rule on a round, with every condition checked and explained."""

    status: OutcomeStatus
    rule_applied: RuleApplied = Field(..., description="`fallback` when a fallback rule decided.")
    winner: str | None = Field(..., description="The chosen option (option methods), else null.")
    tied: list[str] = Field(..., description="The tied options, for a tie.")
    counts: dict[str, Any] = Field(
        ...,
        description=(
            "What was counted: always `eligible`, `responded`, `eligible_weight`, `responded_weight`; then, by "
            "method, `positions`, `blocks`, `scores`, `concerns`, `supports`, `abstained`, `options`, `rounds` or "
            "`pairwise` (see docs/decision-rules.md)."
        ),
    )
    conditions: list[Condition]
    summary: str = Field(..., description="The status and every condition's explanation in one sentence.")


# --- query parameters ----------------------------------------------------------------------------------------------


class ProposalListQuery(PageQuery):
    status: Literal["open", "closed", ProposalStatus] | None = Field(  # type: ignore[valid-type]
        None, description="`open`, `closed` (anything decided or withdrawn), or one status."
    )


class StanceHistoryQuery(PageQuery):
    unit: str = Field(
        ..., max_length=20, description="The unit: `p<person id>` or `g<member group id>`.", examples=["g3"]
    )

    @field_validator("unit")
    @classmethod
    def _clean_unit(cls, value: str) -> str:
        return value.replace("\x00", "").strip()


class EligibleQuery(PageQuery):
    search: str = Field("", max_length=100, description="Only units whose name contains this text.")

    @field_validator("search")
    @classmethod
    def _clean_search(cls, value: str) -> str:
        return value.replace("\x00", "").strip()


# --- inputs --------------------------------------------------------------------------------------------------------


def _iso_moment(value: Any) -> Any:
    """A time as ISO 8601 text; the action then refuses one without a time zone, naming the field."""
    if isinstance(value, str):
        try:
            return datetime.fromisoformat(value.strip())
        except ValueError:
            pass
    raise PydanticCustomError("datetime_parsing", "Give a date and time like 2025-03-01T18:30:00Z.")


Moment = Annotated[datetime, BeforeValidator(_iso_moment)]
MOMENT = "ISO 8601 with a time zone, like 2025-03-01T18:30:00Z."


class DecisionKindCreateIn(StrictInput):
    name: str = Field(..., description="Up to 200 characters.", examples=["Working-group budgets"])
    key: str = Field("", description="A stable name like `budget`; made from the name when left out.")
    description: str = Field("", description="Up to 2,000 characters.")
    rule: RuleInput = Field(..., description="The decision rule (see the `Rule` schema).")
    scope: Scope = Field("coalition", description="Who decides: the whole coalition, or the groups it affects.")


class DecisionKindUpdateIn(StrictInput):
    """The kind's name, description, rule and scope, all replaced (its key never changes)."""

    name: str
    description: str = Field("", description="Left out: emptied.")
    rule: RuleInput = Field(..., description="The decision rule (see the `Rule` schema).")
    scope: Scope


class AgreedWeightIn(StrictInput):
    weight: Annotated[Any, PlainValidator(_as_sent, json_schema_input_type=str | float | None)] = Field(
        ...,
        description='More than 0, at most 1,000,000, read exactly: "2", "1.5", "2/3" or a JSON number. Null or "" '
        "returns the group to 1.",
    )


class ProposalCreateIn(StrictInput):
    kind: Id = Field(..., description="The decision kind's id: its rule (frozen now) and scope apply.")
    title: str = Field(..., description="Up to 200 characters.")
    text: str = Field(..., description="The proposal, in Markdown, up to 20,000 characters.")
    closes_at: Moment = Field(..., description="When the first round closes: " + MOMENT)
    opens_at: Moment | None = Field(None, description="When it opens (left out: now): " + MOMENT)
    options: list[str] | None = Field(
        None, description="For a kind that chooses between options: 2 to 20 of them. Others take none."
    )
    scope_groups: list[Id] = Field(
        default_factory=list, description="For a kind decided by the groups it affects: their ids, one or more."
    )
    results_visibility: ResultsVisibility = Field("live", description="Show the tally while open, or after close.")
    stance_visibility: StanceVisibility = Field("open", description="`secret`: only the totals are shown.")
    close_when_all_responded: bool | None = Field(
        None,
        description="Close as soon as every eligible unit has responded. Left out: yes for a spokescouncil, no "
        "otherwise.",
    )
    facilitators: list[Id] = Field(
        default_factory=list, description="People (ids) who may record others' stances in a meeting."
    )
    process: str = Field(
        "standard",
        description="`standard`, or `spokescouncil` (for a kind counted by member groups): groups give agree, "
        "`amend` (agree with amendments), `concerns` or `block`, round after round.",
    )


class StanceIn(StrictInput):
    """One stance. Give the field the rule takes: `position`, `score` (fist-to-five), `ranking`, `approve`, `scores`
    or `dots`; any method also takes the position `abstain`."""

    unit: str | None = Field(
        None,
        description=(
            "Whom the stance is for: `p<person id>` or `g<member group id>`. Left out: the caller's own unit "
            "(a delegate of several eligible groups must say which). A facilitator names the unit they record for."
        ),
        examples=["g3"],
    )
    position: str | None = Field(None, description="`agree`, `disagree`, `stand_aside`, `abstain` or `block`.")
    reason: str = Field("", description="Up to 4,000 characters; required for a block.")
    score: int | None = Field(None, description="Fist-to-five: 0 to 5.")
    ranking: list[str] | None = Field(None, description="Ranked choice: options, most preferred first.")
    approve: list[str] | None = Field(None, description="Approval: the options approved.")
    scores: dict[str, int] | None = Field(None, description="Score vote: option → score.")
    dots: dict[str, int] | None = Field(None, description="Dot vote: option → dots.")
    spokes_position: str | None = Field(
        None,
        description="Only on a spokescouncil (instead of `position`): `agree`, `amend` (agree with amendments; "
        "give `amendment`), `concerns` (give them in `reason`) or `block` (give the `reason`).",
    )
    amendment: str = Field("", description="With `amend`: the amendment asked for, up to 4,000 characters.")


class NextRoundIn(StrictInput):
    closes_at: Moment = Field(..., description="When the new round closes: " + MOMENT)
    text: str | None = Field(None, description="The amended text; left out: the previous round's text.")
    opens_at: Moment | None = Field(None, description="When it opens (left out: now): " + MOMENT)
    options: list[str] | None = Field(None, description="New options; left out: the same ones.")


class WithdrawIn(StrictInput):
    reason: str = Field("", description="Optional, up to 4,000 characters; members read it in the audit log.")


class TallyIn(StrictInput):
    rule: RuleInput = Field(..., description="The rule to try (see the `Rule` schema).")
    ballots: BallotsInput = Field(..., description="The round to count (see the `Ballots` schema).")


# --- outputs -------------------------------------------------------------------------------------------------------


class DecisionKindRef(Schema):
    id: int
    key: str
    name: str


class MemberGroupRef(Schema):
    id: int
    name: str
    label: str
    is_active: bool


class PersonRef(Schema):
    id: int
    name: str
    label: str
    is_active: bool


class DecisionKindOut(Schema):
    """One row of the constitution's table of decision kinds."""

    id: int
    key: str
    name: str
    description: str
    rule: Rule
    rule_text: str = Field(..., description="The rule in plain words, as members read it before responding.")
    scope: Scope
    position: int
    created_at: datetime
    updated_at: datetime


class AgreedWeightOut(Schema):
    member_group: MemberGroupRef
    weight: str = Field(..., description='Exact, such as "2", "3/2"; "1" unless agreed otherwise.')
    is_agreed: bool = Field(..., description="False when the group has no agreed weight (it weighs 1).")


class RoundOut(Schema):
    number: int
    text: str
    opens_at: datetime
    closes_at: datetime
    closed_at: datetime | None
    status: ProposalStatus
    rule_applied: RuleApplied
    failed_rounds_before: int
    eligible_count: int


class RoundSummaryOut(RoundOut):
    """A round with the outcome stored when it closed (null while it is open, or when it was withdrawn)."""

    outcome: Outcome | None


class CurrentRoundOut(RoundOut):
    responded: int = Field(..., description="Eligible units that have given a stance.")


class StanceOut(Schema):
    id: int
    round: int = Field(..., description="The round's number.")
    unit: str = Field(..., description="`p<person id>` or `g<member group id>`.")
    unit_label: str
    position: str = Field(..., description="Empty for a score or a choice between options.")
    score: int | None
    choice: dict[str, Any] | None = Field(
        ..., description='`{"ranking": [...]}`, `{"approve": [...]}`, `{"scores": {...}}` or `{"dots": {...}}`.'
    )
    reason: str
    spokes_position: str = Field(
        ..., description="On a spokescouncil: what the group said (`position` is what the rule counted)."
    )
    amendment: str
    note: str = Field(..., description="How it was reached, e.g. settled by a member group's internal rule.")
    recorded_by: str | None = Field(..., description="Who recorded it: the unit, its delegate, or a facilitator.")
    created_at: datetime
    is_current: bool = Field(..., description="False for a stance the unit changed afterwards.")


class StanceListOut(page_of(StanceOut)):  # type: ignore[misc]
    """One page of stances. On a proposal with secret stances the list is empty and `note` says why."""

    secret: bool
    note: str | None


class EligibleUnitOut(Schema):
    unit: str
    label: str
    kind: UnitKind
    size: int


class UnitListOut(page_of(EligibleUnitOut)):  # type: ignore[misc]
    """One page of eligible units. On a proposal with secret stances the list is empty and `note` says why."""

    secret: bool
    note: str | None


class FacilitationUnitOut(EligibleUnitOut):
    has_stance: bool
    current_position: str | None
    current_score: int | None


class MyUnitOut(Schema):
    unit: str
    label: str
    kind: UnitKind
    stance: StanceOut | None = Field(..., description="The unit's current stance in this round, if any.")


class ParticipationOut(Schema):
    eligible: int
    responded: int
    share: str = Field(..., description="Responded of eligible, as a percentage rounded down.", examples=["45%"])
    recent: int = Field(..., description="Earlier decisions (same unit) compared, up to 5.")
    took_part_in_any: int = Field(..., description="Units that responded in at least one of those.")
    took_part_in_all: int = Field(..., description="Units that responded in all of those.")
    recent_average_share: str | None = Field(..., description="The average turnout of those decisions.")
    same_people: bool = Field(
        ..., description="Whether it is mostly the same few who take part: low turnout, by the same units."
    )


class ProposalLinks(Schema):
    self: str
    page: str | None = Field(..., description="The proposal's page on the site.")
    stances: str
    outcome: str
    rounds: str


class ProposalSummaryOut(Schema):
    id: int
    title: str
    kind: DecisionKindRef
    kind_name: str = Field(..., description="The kind's name when the proposal opened.")
    author_name: str | None
    status: ProposalStatus
    created_at: datetime
    round_number: int
    closes_at: datetime | None = Field(..., description="When the current round closes.")
    eligible_count: int
    responded_count: int


class ProposalOut(Schema):
    """A proposal with its current round, outcome and participation: what its page shows."""

    id: int
    title: str
    kind: DecisionKindRef
    kind_name: str
    author_name: str | None
    status: ProposalStatus
    withdrawn_reason: str
    effect: str = Field(
        ..., description="What passing it does beyond the decision itself: founding, amendment, admission, removal."
    )
    effect_note: str = Field(..., description="Why a passed proposal took no effect (status `not_applied`).")
    created_at: datetime
    options: list[str]
    scope_groups: list[MemberGroupRef]
    facilitators: list[PersonRef]
    results_visibility: ResultsVisibility
    stance_visibility: StanceVisibility
    close_when_all_responded: bool
    process: str = Field(..., description="`standard` or `spokescouncil`.")
    rule: Rule = Field(..., description="The rule frozen when the proposal opened.")
    rule_text: str
    applied_rule_text: str = Field(..., description="The rule deciding the current round (a fallback, perhaps).")
    round_number: int
    round: CurrentRoundOut
    accepting_stances: bool = Field(..., description="Whether stances can be given now: open, and within its window.")
    next_round_rule_text: str = Field(..., description="The rule that would decide a next round, after this one.")
    next_round_uses_fallback: bool
    results_hidden: bool = Field(..., description="True while the tally is shown only after closing.")
    outcome: Outcome | None = Field(
        ..., description="The current round's outcome: live while open, final once closed; null while hidden."
    )
    participation: ParticipationOut
    my_units: list[MyUnitOut] = Field(..., description="The units the caller responds for, with their stances.")
    may_facilitate: bool
    may_withdraw: bool
    may_start_next_round: bool
    links: ProposalLinks


class ProposalOutcomeOut(Schema):
    proposal_id: int
    round: int
    round_status: ProposalStatus
    applied_rule_text: str
    results_hidden: bool
    outcome: Outcome | None = Field(..., description="Null while the results are hidden until closing.")


# --- spokescouncils ---------------------------------------------------------------------------------------------


class SpokesPositionOut(Schema):
    unit: str = Field(..., description="`g<member group id>` (or `p<person id>` for an individual member).")
    unit_label: str
    spokes_position: str = Field(..., description="`agree`, `amend`, `concerns`, `block`, or empty: none yet.")
    position_words: str
    amendment: str
    concerns: str = Field(..., description="The concerns, or a block's reason.")
    note: str
    recorded_by: str | None
    recorded_at: datetime | None


class SpokesPositionsOut(Schema):
    round: int
    text: str
    status: str
    hidden: bool = Field(..., description="True while positions are hidden (secret, or shown only after closing).")
    positions: list[SpokesPositionOut]


class GroupRuleIn(StrictInput):
    rule: RuleInput = Field(..., description='A rule counted by the group\'s members: `"unit": "people"`.')
    enabled: bool = Field(True, description="False: the delegates give the group's position themselves.")


class GroupRuleOut(Schema):
    member_group: int
    rule: dict[str, Any] | None
    rule_text: str | None
    enabled: bool


class MemberViewIn(StrictInput):
    member_group: Id = Field(..., description="The group the view is for: one the caller is a member of.")
    spokes_position: str = Field(..., description="`agree`, `amend`, `concerns` or `block`.")
    amendment: str = Field("", description="With `amend`: the amendment.")
    reason: str = Field("", description="With `concerns`: the concerns; with `block`: the reason.")


class MemberViewOut(Schema):
    member_group: int
    round: int
    spokes_position: str
    amendment: str
    reason: str
    updated_at: datetime


class SettleIn(StrictInput):
    member_group: Id = Field(..., description="The group whose position to settle by its internal rule.")
