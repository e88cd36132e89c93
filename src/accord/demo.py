"""The demo coalition: a realistic, deterministic network that tests, screenshots and new installs reuse.

`load_demo()` builds it only through the actions of `accord.accounts`, `accord.coalitions`, `accord.decisions`,
`accord.agreements` and `accord.meetings`, in one transaction, so every change it makes is checked and written to
the audit log like a real one (the one exception: an overdue red line's dates, see `_amend`). It refuses
(`accord.errors.Conflict`) when the database already holds a coalition.

The coalition is the Northern Climate Action Network: 21 member groups named by place, of which 20 are members
now (three of 3 people, four of 40, one of 400, the rest in between) and one, Scarborough Coastal Watch, has left;
60 named people, 57 of them members now (5 in two member groups, 4 individual members in no group), 12 of them
recorded by a facilitator without an account; 2 coordinators; every member group has one or two delegates.

The constitution: the founder edits the guides' template into the network's own agreements (unity statement,
purpose and goals, values, principles, four policies, membership criteria, what it means to be in), then the
founding decision adopts it, every one of the 20 founding groups agreeing. Decisions the constitution's actions
open are taken at a meeting and closed at their closing time (the shortest window Accord allows), except
admissions, which stay open for the constitution's 14 days: the demo closes the two it decides at that time, so
their rounds show a closing date ahead.

Membership by decision: Durham Climate Students apply, signing on, and are admitted (they are in their 14-day
induction, not yet counted); the Northern Gas Futures Forum's application is blocked (two blocks where one is
allowed); two applications, a group and an individual, are pending, their admission decisions open. Also open
invitations (a link to Leeds Climate Action, an email to an individual, two to claim recorded people).

Decisions made once the membership has settled (19 member groups and 56 people counted); the open rounds close 10
and 12 days after loading, at 18:00 UTC:

- passed: "Hold general meetings online..." (meeting conduct, a majority of people), every hand counted by the
  second coordinator at a general meeting, closed as soon as all 56 had responded: 43 of 50 decided agree;
- passed with one block: "Rotate the coordinators every two years", an amendment adding the policy "Roles and
  rotation" (amend the constitution: consensus of member groups, one block allowed per 12), each group's stance
  recorded by the coordinator at a general meeting; Manchester Climate Network blocked, with its reason;
- blocked, then tried again: "The network's budget for next year" (budget and strategy: consensus minus one):
  two blocks at a spokescouncil in round 1; round 2, with amended text, is open, and 11 groups' delegates have
  answered (the delegate persona for Leeds Climate Action among them);
- open: "Ask the West Yorkshire Combined Authority for a £2 cap on every bus fare", decided by the four groups it
  affects (consensus minus one); two have answered, Leeds Climate Action has not, so it waits for the delegate;
  a member of Wakefield's group has flagged it as touching Wakefield's red line;
- open: "Which date for the spring assembly?" (ranked choice between four dates, by people): 12 rankings so far,
  none from the member persona, for whom it waits;
- amendments of "What it means to be in": "Pair each new member group with a buddy group" passed (version 2),
  which left the delegate persona's open "Set dues by size" stale, to rebase; every member then re-confirmed
  except Hebden Bridge Flood Wardens (its delegate has no account); Joan Pickering and Samir Haddad, individual
  members without an account, have not signed on at all;
- open: "Lower the quorum for meeting conduct to a fifth", an amendment to the decision table, waiting for the
  delegate persona's group among others;
- red lines of Wakefield, Liverpool and Kendal; Kendal's is overdue for re-confirmation.

Meetings (`accord.meetings.actions`; times on the hour, UTC, a whole number of days from the day of loading):

- held: a general meeting nine weeks ago (the member persona was there; it set Kevin Walsh a task), the spokescouncil
  that blocked the budget's first round five weeks ago, and a general meeting two weeks ago with a facilitator, a
  note-taker (the delegate persona) and a timekeeper, six agenda items with notes (the first the follow-up of
  Kevin's task, done there with a note), 20 people present (not the member persona, whose catch-up page therefore
  has content), two decisions (one linked to the passed "Hold general meetings online..."), two tasks (the delegate
  persona's, overdue; Leeds Climate Action's) and its public notes, with no one named, published. Its agenda was
  drafted ahead and the meeting then moved to its date, since no action adds items to a meeting that has ended;
- coming: a social in four days; a general meeting next week, whose agenda opens with the follow-ups of the two
  open tasks, with ten replies and the needs they bring (childcare for two children, interpretation into Urdu,
  step-free access, a quiet room, help with a fare) and only a facilitator so far; a spokescouncil in nine days.
  Everyone they are for is invited by email (with the meeting as a calendar file);
- roles: facilitators, note-takers and timekeepers rotated across the meetings held, so the role spread and the
  rotation suggestions have something to show.

Waiting for the personas: the coordinator (an individual member), the two admissions; the delegate, the quorum
amendment, the bus-fares letter and the two admissions; the member, the assembly date.

Sign in as one of the personas with the password `DEMO_PASSWORD` ("together-in-accord"):

| persona            | name            | email                     | standing                                      |
| ------------------ | --------------- | ------------------------- | --------------------------------------------- |
| coordinator        | Amara Okafor    | coordinator@demo.example  | founder and coordinator, individual member    |
| second coordinator | Niamh Gallagher | coordinator2@demo.example | coordinator, member of Newcastle Food Growers |
| delegate           | Priya Shah      | delegate@demo.example     | delegate of Leeds Climate Action (85 people)  |
| member             | Daniel Murphy   | member@demo.example       | member of Leeds Climate Action, no other role |
| outsider           | Sam Taylor      | outsider@demo.example     | has an account, no place in the coalition     |
| former member      | Oliver Bennett  | former@demo.example       | was an individual member, left with a reason  |

The other accounts (firstname.lastname@demo.example) have no usable password: the demo sets one only for the
personas, because hashing a password is the slow part of loading. Every address is under the reserved
`.example` domain, so mail the demo sends (invitations, decisions on applications, requests to re-confirm, a
red-line flag, meeting invitations) reaches no one.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import NamedTuple

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from accord.accounts import actions as accounts
from accord.accounts.models import User
from accord.agreements import actions as constitution
from accord.agreements.models import Agreement, RedLine
from accord.coalitions import actions, queries
from accord.coalitions.models import Application, Coalition, MemberGroup, Person
from accord.decisions import actions as decision_actions
from accord.decisions import queries as decision_queries
from accord.decisions.models import DecisionKind, Proposal
from accord.errors import Conflict
from accord.meetings import actions as meeting_actions
from accord.meetings.models import AgendaItem, Meeting

__all__ = [
    "COORDINATOR_EMAIL",
    "DELEGATE_EMAIL",
    "DEMO_PASSWORD",
    "FORMER_MEMBER_EMAIL",
    "MEMBER_EMAIL",
    "OUTSIDER_EMAIL",
    "SECOND_COORDINATOR_EMAIL",
    "Demo",
    "database_is_empty",
    "find_demo",
    "load_demo",
]

DEMO_PASSWORD = "together-in-accord"

COORDINATOR_EMAIL = "coordinator@demo.example"
SECOND_COORDINATOR_EMAIL = "coordinator2@demo.example"
DELEGATE_EMAIL = "delegate@demo.example"
MEMBER_EMAIL = "member@demo.example"
OUTSIDER_EMAIL = "outsider@demo.example"
FORMER_MEMBER_EMAIL = "former@demo.example"

COORDINATOR_NAME = "Amara Okafor"
SECOND_COORDINATOR_NAME = "Niamh Gallagher"
DELEGATE_NAME = "Priya Shah"
MEMBER_NAME = "Daniel Murphy"
OUTSIDER_NAME = "Sam Taylor"
FORMER_MEMBER_NAME = "Oliver Bennett"
LEFT_GROUP_DELEGATE = "Fiona MacLeod"  # takes Scarborough Coastal Watch out of the coalition
LEFT_GROUP_STAYER = "Ewan Clarke"  # in Scarborough Coastal Watch and Whitby Fishing Families: stays a member
UNCLAIMED_PERSON = "Patrick O'Neill"  # recorded without an account, invited to claim the record

COALITION_NAME = "Northern Climate Action Network"
COALITION_PURPOSE = (
    "A network of community groups and people across the North of England working together for a fast and fair "
    "move away from fossil fuels: we share skills, run joint campaigns, and speak with one voice to councils and "
    "combined authorities, while each group keeps its own way of working."
)
MEMBERSHIP_QUESTIONS = "\n".join(
    [
        "Where are you based, and what climate work do you do there?",
        "Why do you want to join the network, and what can you bring to it?",
        "Do you accept the network's principles of non-violence and independence from fossil-fuel money?",
    ]
)

# --- member groups ---------------------------------------------------------------------------------------

LEEDS = "Leeds Climate Action"
MANCHESTER = "Manchester Climate Network"
HULL = "Hull Heat Justice"
BRADFORD = "Bradford Clean Air Campaign"
YORK = "York Cycle Coalition"
NEWCASTLE = "Newcastle Food Growers"
LIVERPOOL = "Liverpool Tenants for Warm Homes"
LANCASTER = "Lancaster Transition Town"
KENDAL = "Kendal Quaker Earthcare Group"
WHITBY = "Whitby Fishing Families"
HEBDEN = "Hebden Bridge Flood Wardens"
SKIPTON = "Skipton Repair Café"
CARLISLE = "Carlisle Community Energy"
WAKEFIELD = "Wakefield Trades Council Climate Committee"
SUNDERLAND = "Sunderland Youth Climate Strike"
PRESTON = "Preston Faith and Climate"
HARROGATE = "Harrogate Rewilding Circle"
MIDDLESBROUGH = "Middlesbrough Green Jobs Alliance"
BOLTON = "Bolton Climate Choir"
SCARBOROUGH = "Scarborough Coastal Watch"  # leaves the coalition
DURHAM = "Durham Climate Students"  # joins by an application the coordinator admits

LEFT_GROUP_REASON = (
    "Our members voted to put all our time into the harbour wall campaign this year. We hope to come back."
)
FORMER_MEMBER_REASON = "I am moving to Glasgow for work; I will follow the network from there."
DECLINE_REASON = (
    "The network's principles exclude organisations funded by fossil-fuel companies, and the forum's sponsors "
    "include two gas suppliers."
)


class _Group(NamedTuple):
    name: str
    size: int
    description: str
    contact_name: str
    contact_email: str


GROUPS: tuple[_Group, ...] = (
    _Group(
        LEEDS,
        85,
        "Neighbourhood climate groups across Leeds, campaigning for safe streets and clean buses.",
        "Priya Shah",
        "hello@leedsclimateaction.example",
    ),
    _Group(
        MANCHESTER,
        400,
        "The city's largest climate network: 30 local hubs, a youth wing and a legal team.",
        "Chloe Thompson",
        "info@manchesterclimate.example",
    ),
    _Group(
        HULL,
        40,
        "Tenants and nurses pushing for warm, affordable homes and heat-wave plans in Hull.",
        "Jade Robinson",
        "contact@hullheatjustice.example",
    ),
    _Group(
        BRADFORD,
        40,
        "Parents and doctors campaigning for a clean air zone that works for every ward.",
        "Imran Akhtar",
        "team@bradfordcleanair.example",
    ),
    _Group(
        YORK,
        40,
        "Cyclists, walkers and wheelchair users making York's streets safe to travel without a car.",
        "Eleanor Hughes",
        "ride@yorkcycle.example",
    ),
    _Group(
        NEWCASTLE,
        60,
        "Allotment holders and community gardens growing food and sharing it across Tyneside.",
        "Callum Robson",
        "grow@newcastlefood.example",
    ),
    _Group(
        LIVERPOOL,
        150,
        "A tenants' union fighting for insulation, heat pumps and fair rents across Merseyside.",
        "Marcus Johnson",
        "union@warmhomesliverpool.example",
    ),
    _Group(
        LANCASTER,
        30,
        "Lancaster's transition town: a community shop, a bike library and energy cafés.",
        "Ruth Ashworth",
        "hello@lancastertransition.example",
    ),
    _Group(
        KENDAL,
        12,
        "A Quaker meeting's earthcare group, holding vigils and asking for a fossil-free pension fund.",
        "Alison Dodd",
        "earthcare@kendalquakers.example",
    ),
    _Group(
        WHITBY,
        3,
        "Three fishing families speaking up for the North Sea fishery and the coast's future.",
        "Sarah Storr",
        "whitbyfishing@families.example",
    ),
    _Group(
        HEBDEN,
        3,
        "Volunteer flood wardens who keep the valley's flood plans and sandbag stores ready.",
        "Jonty Greenwood",
        "wardens@hebdenflood.example",
    ),
    _Group(
        SKIPTON,
        3,
        "A monthly repair café that keeps toasters, bikes and coats out of landfill.",
        "Mei Chen",
        "fixit@skiptonrepair.example",
    ),
    _Group(
        CARLISLE,
        18,
        "A community-owned solar and hydro cooperative selling power to local schools.",
        "Duncan Graham",
        "power@carlisleenergy.example",
    ),
    _Group(
        WAKEFIELD,
        22,
        "Union reps from the trades council working for a just transition for local workers.",
        "Kevin Walsh",
        "climate@wakefieldtuc.example",
    ),
    _Group(
        SUNDERLAND,
        40,
        "School and college students who organise the city's climate strikes.",
        "Tia Henderson",
        "strike@sunderlandyouth.example",
    ),
    _Group(
        PRESTON,
        15,
        "Churches, mosques and a gurdwara in Preston acting together on climate.",
        "Adebayo Ogunleye",
        "faith@prestonclimate.example",
    ),
    _Group(
        HARROGATE,
        8,
        "Landowners and volunteers rewilding field margins and river banks around Harrogate.",
        "Lucy Harrington",
        "wild@harrogaterewilding.example",
    ),
    _Group(
        MIDDLESBROUGH,
        55,
        "Workers and residents making the case for green industrial jobs on Teesside.",
        "Gary Bell",
        "jobs@greenteesside.example",
    ),
    _Group(
        BOLTON,
        24,
        "A community choir that sings at actions and raises money for the network's campaigns.",
        "Ffion Parry",
        "sing@boltonclimatechoir.example",
    ),
    _Group(
        SCARBOROUGH,
        10,
        "Residents watching the coast for erosion and pollution, and reporting it.",
        "Fiona MacLeod",
        "watch@scarboroughcoast.example",
    ),
)
DURHAM_APPLICATION = _Group(
    DURHAM, 25, "University and college students campaigning for divestment and greener campuses.", "Ellie Watson", ""
)


# --- people ----------------------------------------------------------------------------------------------


class _Person(NamedTuple):
    name: str
    email: str  # "" for someone recorded without any address
    has_account: bool
    groups: tuple[str, ...] = ()  # the first is the group they join by; the rest are added afterwards
    delegate_of: tuple[str, ...] = ()  # a subset of `groups`
    individual: bool = False


def _email_for(name: str) -> str:
    local = name.lower().replace("'", "").replace(" ", ".")
    return f"{local}@demo.example"


def _member(name: str, *groups: str, delegate: bool = False, email: str = "") -> _Person:
    """Someone with an account in `groups`; `delegate` makes them a delegate of the first."""
    return _Person(name, email or _email_for(name), True, groups, (groups[0],) if delegate else ())


def _recorded(name: str, *groups: str, email: str = "", delegate: bool = False, individual: bool = False) -> _Person:
    return _Person(name, email, False, groups, (groups[0],) if delegate else (), individual)


# People who join by accepting an invitation to their (first) member group, in this order.
MEMBERS_WITH_ACCOUNTS: tuple[_Person, ...] = (
    _member(DELEGATE_NAME, LEEDS, delegate=True, email=DELEGATE_EMAIL),
    _member("Joseph Kamara", LEEDS, delegate=True),
    _member(MEMBER_NAME, LEEDS, email=MEMBER_EMAIL),
    _member("Hannah Lewis", LEEDS),
    _member("Yusuf Rahman", LEEDS, BRADFORD),
    _member("Chloe Thompson", MANCHESTER, delegate=True),
    _member("Mohammed Iqbal", MANCHESTER, delegate=True),
    _member("Li Wei", MANCHESTER),
    _member("Sophie Turner", MANCHESTER),
    _member("Grace Okonkwo", MANCHESTER),
    _member("Hamza Malik", MANCHESTER),
    _member("Aoife Byrne", MANCHESTER, LIVERPOOL),
    _member("Jade Robinson", HULL, delegate=True),
    _member("Nadia Hussain", HULL),
    _member("Lewis Carter", HULL),
    _member("Imran Akhtar", BRADFORD, delegate=True),
    _member("Gurpreet Sandhu", BRADFORD),
    _member("Sana Mirza", BRADFORD),
    _member("Eleanor Hughes", YORK, delegate=True),
    _member("Tom Fletcher", YORK),
    _member("Jakub Kowalski", YORK, LEEDS),
    _member("Callum Robson", NEWCASTLE, delegate=True),
    _member(SECOND_COORDINATOR_NAME, NEWCASTLE, email=SECOND_COORDINATOR_EMAIL),
    _member("Ayesha Siddiqui", NEWCASTLE),
    _member("Marcus Johnson", LIVERPOOL, delegate=True),
    _member("Rosa Martinez", LIVERPOOL),
    _member("Siobhan Kelly", LIVERPOOL),
    _member("Ruth Ashworth", LANCASTER, delegate=True),
    _member("Alison Dodd", KENDAL, delegate=True),
    _member("Sarah Storr", WHITBY, delegate=True),
    _member(LEFT_GROUP_STAYER, WHITBY, SCARBOROUGH),
    _member("Mei Chen", SKIPTON, delegate=True),
    _member("Duncan Graham", CARLISLE, delegate=True),
    _member("Kevin Walsh", WAKEFIELD, delegate=True),
    _member("Shabana Begum", WAKEFIELD),
    _member("Tia Henderson", SUNDERLAND, delegate=True),
    _member("Jack Dawson", SUNDERLAND, delegate=True),
    _member("Adebayo Ogunleye", PRESTON, delegate=True),
    _member("Lucy Harrington", HARROGATE, delegate=True),
    _member("Gary Bell", MIDDLESBROUGH, delegate=True),
    _member("Zainab Ali", MIDDLESBROUGH, SUNDERLAND),
    _member("Ffion Parry", BOLTON, delegate=True),
    _member(LEFT_GROUP_DELEGATE, SCARBOROUGH, delegate=True),
)

# People who join as individual members by accepting an invitation with no member group.
INDIVIDUALS_WITH_ACCOUNTS: tuple[_Person, ...] = (
    _Person("Helen Marsh", _email_for("Helen Marsh"), True, individual=True),
    _Person(FORMER_MEMBER_NAME, FORMER_MEMBER_EMAIL, True, individual=True),
)

# People a facilitator records without an account; the two with an address get an invitation to claim the record.
RECORDED_WITHOUT_ACCOUNT: tuple[_Person, ...] = (
    _recorded("Kwame Mensah", MANCHESTER),
    _recorded(UNCLAIMED_PERSON, HULL, email=_email_for(UNCLAIMED_PERSON)),
    _recorded("Bethany Clark", NEWCASTLE),
    _recorded("Ben Crossley", LANCASTER),
    _recorded("Jonty Greenwood", HEBDEN, delegate=True),
    _recorded("Isla Armstrong", CARLISLE),
    _recorded("Fatima Noor", PRESTON),
    _recorded("Darren Lowe", MIDDLESBROUGH),
    _recorded("Megan Reid", SUNDERLAND, MIDDLESBROUGH),
    _recorded("Harold Jenkins", SCARBOROUGH),
    _recorded("Samir Haddad", email=_email_for("Samir Haddad"), individual=True),
    _recorded("Joan Pickering", individual=True),
)

DURHAM_DELEGATE = _Person("Ellie Watson", _email_for("Ellie Watson"), True, (DURHAM,), (DURHAM,))
DURHAM_MEMBER = _Person("Arjun Patel", _email_for("Arjun Patel"), True, (DURHAM,))
OPEN_EMAIL_INVITATION = "alex.morgan@demo.example"  # invited by email as an individual member

# Applicants, with accounts but no place in the coalition.
PENDING_GROUP_APPLICANT = ("Kemi Adebayo", _email_for("Kemi Adebayo"))
PENDING_INDIVIDUAL_APPLICANT = ("Rajesh Kumar", _email_for("Rajesh Kumar"))
DECLINED_APPLICANT = ("Dominic Price", _email_for("Dominic Price"))

PASSWORD_HOLDERS = frozenset(
    {COORDINATOR_EMAIL, SECOND_COORDINATOR_EMAIL, DELEGATE_EMAIL, MEMBER_EMAIL, OUTSIDER_EMAIL, FORMER_MEMBER_EMAIL}
)


# --- decisions ---------------------------------------------------------------------------------------------
# Five proposals under the default decision kinds, made through `accord.decisions.actions` once everyone above has
# joined (or left): 20 member groups and 57 people are eligible. A group's position is given by its delegate, or
# recorded for it by a facilitator in a meeting; the closed ones closed the moment everyone eligible had responded
# (`close_when_all_responded`), as a meeting that decides in the room does.

OPEN_DAYS = 10  # the open rounds close this many days after loading, at CLOSING_HOUR UTC
ROOM_WINDOW = timedelta(minutes=2)  # decisions taken in a meeting close this soon after opening
RANKED_OPEN_DAYS = 12
CLOSING_HOUR = 18

ROTATION_TITLE = "Rotate the coordinators every two years"
ROTATION_AGREEMENT = "Roles and rotation"  # a new policy the amendment adds to the constitution
ROTATION_TEXT = """A coordinator serves for **two years** at a time and then steps back for at least a year. Each year
the general meeting asks for volunteers to shadow the coordinators, so that someone new is ready to take over.

Facilitators and note-takers of the general meeting rotate between the member groups, in the order of their names."""
ROTATION_EXPLANATION = (
    "The guides warn that the same few people end up holding a network's relationships. Rotation spreads them."
)
# How each member group stood at the general meeting (every other group agreed): one block, allowed under one
# block per 12 member groups, so the amendment passed.
ROTATION_STANCES: dict[str, tuple[str, str]] = {
    MANCHESTER: (
        "block",
        "Two years is too short: our councils take that long to trust a new face. We would agree to three.",
    ),
    KENDAL: ("stand_aside", "Our meeting has not discussed it yet; we will not stand in the way."),
    WHITBY: ("stand_aside", ""),
    HEBDEN: ("abstain", ""),
}

BUDGET_TITLE = "The network's budget for next year"
BUDGET_TEXT = """Spend **£18,000** next year, raised from member groups' dues and two grants:

- a paid coordinator two days a week: £12,000;
- the spring assembly and two regional gatherings: £4,000;
- printing, the website and bank charges: £2,000."""
BUDGET_AMENDED_TEXT = """Spend **£16,500** next year, raised from member groups' dues and two grants:

- a paid coordinator a day and a half a week: £9,000;
- the spring assembly and two regional gatherings: £4,000;
- a travel fund for young and low-income members to come to actions and gatherings: £1,500;
- printing, the website and bank charges: £2,000.

Changed after round 1: less for the coordinator, so that dues stay as they are, and a travel fund."""
# Round 1, at a spokescouncil: two blocks where one is allowed.
BUDGET_ROUND_1_STANCES: dict[str, tuple[str, str]] = {
    LIVERPOOL: (
        "block",
        "Paying a coordinator this much means raising dues, and our tenants would have to cut their legal fund.",
    ),
    SUNDERLAND: (
        "block",
        "There is nothing for students to travel to actions, and most of our members cannot pay the fares.",
    ),
    CARLISLE: ("stand_aside", "We would rather spend less on staff, but we will not hold the network up."),
    SKIPTON: ("abstain", ""),
}
# Round 2, open: delegates answer for their groups as they consult them.
BUDGET_ROUND_2_STANCES: tuple[tuple[str, str, str], ...] = (  # (delegate, position, reason)
    ("Marcus Johnson", "agree", "Dues stay as they are: our members agreed at their last meeting."),
    ("Tia Henderson", "agree", "Thank you for the travel fund."),
    ("Chloe Thompson", "agree", ""),
    (DELEGATE_NAME, "agree", ""),
    ("Duncan Graham", "agree", ""),
    ("Kevin Walsh", "stand_aside", "We wanted a full-time coordinator, but this is a fair compromise."),
    ("Imran Akhtar", "agree", ""),
    ("Jade Robinson", "agree", ""),
    ("Eleanor Hughes", "agree", ""),
    ("Gary Bell", "agree", ""),
    ("Ffion Parry", "agree", ""),
)  # 11 of 20 so far: quorum (10) is reached

BUS_TITLE = "Ask the West Yorkshire Combined Authority for a £2 cap on every bus fare"
BUS_TEXT = """The four member groups in West Yorkshire write together to the Mayor and the Combined Authority,
asking for a **£2 cap on every single bus fare** and a day ticket of £4.50, paid for from the transport levy.

The letter goes out under the network's name, signed by each group."""
BUS_GROUPS = (LEEDS, BRADFORD, WAKEFIELD, HEBDEN)  # the groups it affects, who decide it
BUS_OPENED_BY = "Imran Akhtar"  # Bradford Clean Air Campaign's delegate
BUS_STANCES: tuple[tuple[str, str, str], ...] = (
    ("Imran Akhtar", "agree", ""),
    ("Kevin Walsh", "agree", "Our bus drivers' branch backs this, as long as drivers' pay is protected."),
)  # Leeds Climate Action (Priya Shah's group) and Hebden Bridge Flood Wardens have not answered yet

ASSEMBLY_TITLE = "Which date for the spring assembly?"
ASSEMBLY_TEXT = """The spring assembly is a whole day in Leeds: reports from the working groups, the year's campaign
plan, and food from Newcastle Food Growers. Rank the dates you could come on, the best first."""
ASSEMBLY_OPTIONS = (
    "First Saturday in March",
    "Third Saturday in March",
    "Last Sunday in March",
    "First Saturday in April",
)
_MARCH_1, _MARCH_3, _MARCH_SUN, _APRIL_1 = ASSEMBLY_OPTIONS
ASSEMBLY_RANKINGS: tuple[tuple[str, tuple[str, ...]], ...] = (  # the member persona has not ranked them yet
    (COORDINATOR_NAME, (_MARCH_3, _APRIL_1, _MARCH_1)),
    (SECOND_COORDINATOR_NAME, (_MARCH_3, _MARCH_1)),
    (DELEGATE_NAME, (_MARCH_1, _MARCH_3, _APRIL_1, _MARCH_SUN)),
    ("Chloe Thompson", (_MARCH_SUN, _MARCH_3)),
    ("Mohammed Iqbal", (_MARCH_SUN, _MARCH_3, _MARCH_1)),
    ("Jade Robinson", (_APRIL_1, _MARCH_1)),
    ("Imran Akhtar", (_MARCH_1, _MARCH_3)),
    ("Eleanor Hughes", (_MARCH_3, _MARCH_SUN)),
    ("Marcus Johnson", (_APRIL_1, _MARCH_3)),
    ("Alison Dodd", (_MARCH_SUN, _APRIL_1)),
    ("Tia Henderson", (_MARCH_1, _APRIL_1, _MARCH_3)),
    ("Zainab Ali", (_MARCH_3,)),
)

MEETINGS_TITLE = "Hold general meetings online, with one weekend gathering in person each year"
MEETINGS_TEXT = """From now on the monthly general meeting is an evening video call, with live captions and a phone
dial-in, and once a year we meet in person for a weekend, with travel paid for those who need it."""
# By a show of hands at the general meeting, recorded by the second coordinator; everyone else agreed.
MEETINGS_DISAGREE = frozenset(
    {"Alison Dodd", "Ben Crossley", "Duncan Graham", "Gary Bell", "Joan Pickering", "Ruth Ashworth", "Sarah Storr"}
)
MEETINGS_ABSTAIN = frozenset({"Bethany Clark", "Ewan Clarke", "Fatima Noor", "Li Wei", "Mei Chen", "Shabana Begum"})


# --- the constitution ------------------------------------------------------------------------------------------------
# The founders (the coordinator) edit the template agreements (accord.agreements.defaults) into the network's own
# texts before the founding decision, in which every founding member group consents. By agreement key:
# (title, text).

CONSTITUTION_TEXTS: dict[str, tuple[str, str]] = {
    "unity_statement": (
        "Unity statement",
        "We are community groups and people across the North of England who come together for a fast and fair "
        "move away from fossil fuels: warm homes, clean air, safe streets, good green jobs, and towns, coasts and "
        "valleys ready for the floods and heat already coming.\n\n"
        "We agree that the North cannot wait for Westminster, that those who did least to cause the crisis must "
        "not pay for it, and that we are stronger when we speak to councils and combined authorities with one "
        "voice. We work towards this together while each member group keeps its own identity, its own ways of "
        "working and its freedom to leave.",
    ),
    "purpose": (
        "Purpose and goals",
        "## Purpose\n\n"
        "To link the North's climate groups so that they share what works, campaign together where they are "
        "stronger together, and win from councils, combined authorities and employers what no group could win "
        "alone.\n\n"
        "## Short-term goals (this year)\n\n"
        "- A £2 cap on every bus fare in each combined authority of the North.\n"
        "- Retrofit plans, without rent rises, for the estates our tenants' groups organise on.\n"
        "- A spring assembly and two regional gatherings where member groups train each other.\n\n"
        "## Long-term goals (five years)\n\n"
        "- Every council in the North with a funded plan to reach net zero by 2038 and a just transition for its "
        "workers.\n"
        "- Community-owned energy in every town where a member group works.\n"
        "- A network that outlasts its founders: new groups, new delegates and rotating coordinators.",
    ),
    "values": (
        "Values",
        "- **Solidarity**: when one member group is under pressure, the others turn up.\n"
        "- **Justice**: the costs of change fall on those most able to pay, never on tenants, low-paid workers or "
        "the young.\n"
        "- **Equality**: no group or person dominates, whatever their size or money.\n"
        "- **Openness**: we decide in the open and say why.\n"
        "- **Care**: we look after each other and keep our actions safe.",
    ),
    "principles": (
        "Principles",
        "- Our agreements are **conscious** (discussed and decided explicitly), **consensual** (agreed by every "
        "member group they bind, never imposed) and **changeable** (changed by the network itself, never dictated "
        "by its founders).\n"
        "- **Non-violence**: our actions are non-violent and put no member or passer-by at risk.\n"
        "- **Independence**: we take no money from fossil-fuel companies or their sponsors, and no political party "
        "speaks for us.\n"
        "- **Subsidiarity**: what affects some member groups is decided by them; the network decides only what "
        "affects all.\n"
        "- **Shared power**: roles rotate and information is shared, so that no clique forms.",
    ),
    "policy_joining_leaving": (
        "Joining and leaving",
        "Any group or person in the North of England who shares the unity statement and meets the membership "
        "criteria can apply from the network's joining page. Admission is a decision of the kind “Admit a "
        "member”: member groups and individual members consent, with one block allowed. New members have a "
        "two-week induction, with a buddy group, before they count in decisions.\n\n"
        "Member groups are free to leave at any time; we ask them to tell the general meeting why. The network may "
        "ask a member to leave only if it acted against one of these agreements, by a decision of the kind “Ask a "
        "member to leave”, which names that agreement.",
    ),
    "policy_conflict": (
        "Conflict and accountability",
        "When a conflict arises, those involved first try to resolve it directly. Either may ask two people from "
        "member groups not involved to mediate; the coordinators keep a list of volunteers trained in mediation. "
        "Where someone has been harmed, their safety comes first, not reconciliation, and they choose who supports "
        "them. Engaging with this process is a condition of membership.",
    ),
    "policy_privacy": (
        "Privacy and data",
        "We share information openly inside the network unless it puts someone at risk: nobody's address, "
        "workplace or immigration status is passed on without their consent. Published notes name member groups, "
        "not individuals. Each member can see, export and erase the data the network holds about them.",
    ),
    "policy_anti_oppression": (
        "Anti-oppression",
        "We work to undo oppression inside our own network. Every meeting asks for and meets access needs "
        "(captions, step-free rooms, childcare, travel costs), the facilitator shares out speaking time, and "
        "anyone may challenge discrimination when it happens. Young, disabled and Black and brown members set the "
        "priorities of the anti-oppression working group.",
    ),
    "membership_criteria": (
        "Membership criteria",
        "- Agrees with the unity statement and the principles.\n"
        "- Works on climate, energy, transport, housing, food or nature in the North of England: Yorkshire, the "
        "North East, the North West or Cumbria.\n"
        "- Is not a political party or a business, and takes no money from fossil-fuel companies.\n"
        "- Is run by its own members, who choose its delegates.\n\n"
        "These criteria apply to existing members as much as to new ones.",
    ),
    "membership_expectations": (
        "What it means to be in",
        "Each member group:\n\n"
        "- **shares resources**: pays dues on a sliding scale, from £0 to £200 a year by the group's own income, "
        "and lends rooms, banners, sound systems and vans when it can;\n"
        "- **offers skills and capacity**: at least two hours a month on a network campaign or working group, and "
        "the skills it has (legal, design, research, first aid, facilitation);\n"
        "- **staffs the network's structures**: sends a delegate to the monthly general meeting and takes its "
        "turn hosting a regional gathering, taking notes or facilitating;\n"
        "- **shows public solidarity**: signs the network's public statements and turns out for other groups' "
        "actions, unless it states a red line.",
    ),
}
EXPECTATIONS = "membership_expectations"  # the agreement amended twice: once passed, once left stale

# Passed, then every member re-confirms (it is one members sign on to), except Hebden Bridge Flood Wardens, whose only
# delegate has no account.
BUDDY_TITLE = "Pair each new member group with a buddy group"
BUDDY_BY = SECOND_COORDINATOR_NAME
BUDDY_EXPLANATION = "New groups told the assembly they felt lost in their first month. A buddy group helps."
BUDDY_TEXT = CONSTITUTION_TEXTS[EXPECTATIONS][1] + (
    "\n- **welcomes newcomers**: when asked, acts as buddy group to a new member group for its induction, inviting "
    "it to meetings and answering its questions."
)
# Open, and stale: drafted on version 1 by the delegate persona, who can rebase it on version 2.
DUES_TITLE = "Set dues by size: £1 a member a year"
DUES_BY = DELEGATE_NAME
DUES_EXPLANATION = "A sliding scale by income means every group declaring its accounts; counting members is simpler."
DUES_TEXT = CONSTITUTION_TEXTS[EXPECTATIONS][1].replace(
    "pays dues on a sliding scale, from £0 to £200 a year by the group's own income,",
    "pays dues of £1 a year for each of its members, up to £150, or what it can afford,",
)
DUES_STANCES: tuple[tuple[str, str, str], ...] = (  # (delegate, position, reason), given before it became stale
    (DELEGATE_NAME, "agree", ""),
    ("Imran Akhtar", "agree", ""),
)

# Open: a change to the decision table, waiting for the delegate persona's group among others.
QUORUM_TITLE = "Lower the quorum for meeting conduct to a fifth"
QUORUM_BY = "Callum Robson"  # Newcastle Food Growers' delegate
QUORUM_EXPLANATION = (
    "Evening video calls rarely reach a quarter of our members, so small changes to how meetings run wait for "
    "weeks. A fifth still means more than ten people."
)
QUORUM_RULE = {"method": "majority", "unit": "people", "quorum": "1/5"}
QUORUM_STANCES: tuple[tuple[str, str, str], ...] = (
    ("Callum Robson", "agree", ""),
    ("Chloe Thompson", "agree", ""),
    ("Jade Robinson", "agree", "Our nurses work shifts: they can rarely make an evening call."),
    ("Alison Dodd", "stand_aside", "We would rather make meetings easier to reach than lower the bar."),
    ("Ruth Ashworth", "agree", ""),
)

# Red lines, stated by each group's delegate; Kendal's was confirmed long ago and is overdue for re-confirmation.
RED_LINES: tuple[tuple[str, str, str], ...] = (  # (group, delegate, red line)
    (
        WAKEFIELD,
        "Kevin Walsh",
        "We will not put our name to a campaign that would cut the jobs or pay of transport or energy workers "
        "without a plan agreed with their unions.",
    ),
    (
        LIVERPOOL,
        "Marcus Johnson",
        "We will not support any scheme that lets landlords pass the cost of retrofit on to tenants in higher rents.",
    ),
    (
        KENDAL,
        "Alison Dodd",
        "We take part only in non-violent actions: we will not join an action that damages property or puts "
        "anyone at risk.",
    ),
)
OVERDUE_RED_LINE_GROUP = KENDAL
OVERDUE_RED_LINE_DAYS = 200  # confirmed this long ago; groups re-confirm every 180 days
# A member of Wakefield's group flags the bus-fares letter as touching Wakefield's red line.
FLAGGED_BY = "Shabana Begum"
FLAG_NOTE = "A cap paid from the transport levy must not come out of drivers' pay; the letter should say so."

# The two applications the coalition decides (the pending two wait for the personas among others).
DURHAM_STANCES: dict[str, tuple[str, str]] = {  # recorded at a general meeting; everyone else agreed
    SUNDERLAND: ("agree", "Our strikers will be glad of the students' help."),
    WHITBY: ("stand_aside", ""),
}
GAS_FORUM = "Northern Gas Futures Forum"
GAS_STANCES: dict[str, tuple[str, str]] = {  # recorded at a general meeting: two blocks where one is allowed
    WAKEFIELD: ("block", DECLINE_REASON),
    HULL: ("block", "Our tenants pay the highest gas bills in the country; the forum lobbies to keep them on gas."),
    CARLISLE: ("stand_aside", "We work with one of the councils in the forum, so we will stand aside."),
    YORK: ("abstain", ""),
}
# The two pending applications: these delegates have answered both for their groups; the rest have not yet.
PENDING_STANCES: tuple[tuple[str, str, str], ...] = (
    ("Marcus Johnson", "agree", ""),
    ("Chloe Thompson", "agree", ""),
    ("Eleanor Hughes", "agree", ""),
)


# --- meetings ----------------------------------------------------------------------------------------------------
# Made through `accord.meetings.actions` once the decisions above exist. Times are on the hour (UTC), a whole number
# of days from the day of loading, so two loads on the same day write the same audit log. Three general meetings and
# a spokescouncil held, their roles rotating; the last general meeting has notes, attendance, decisions and tasks, and
# its public notes are published; upcoming: a social, a general meeting (its agenda opens with the follow-ups of the
# open tasks) and a spokescouncil.

MEETING_HOUR = 18  # general meetings and spokescouncils run 18:00-20:00 UTC, 19:00-21:00 in a British summer
OLDER_GENERAL_TITLE = "General meeting: the bus-fares campaign"
OLDER_GENERAL_DAYS = -63
SPOKESCOUNCIL_HELD_TITLE = "Spokescouncil: the budget, round 1"
SPOKESCOUNCIL_HELD_DAYS = -35
PAST_GENERAL_TITLE = "General meeting: meeting online, warm homes and the bus-fares letter"
PAST_GENERAL_DAYS = -14
PAST_GENERAL_DRAFT_DAYS = 2  # drafted while ahead (its agenda open), then moved to its date: see `_meet`
UPCOMING_GENERAL_TITLE = "General meeting: the spring assembly and heat-wave plans"
UPCOMING_GENERAL_DAYS = 7
UPCOMING_SPOKESCOUNCIL_TITLE = "Spokescouncil: the budget, round 2"
UPCOMING_SPOKESCOUNCIL_DAYS = 9  # the day before the budget's round 2 closes
SOCIAL_TITLE = "Social: bring-and-share supper with the Bolton Climate Choir"
SOCIAL_DAYS = 4
ONLINE_GENERAL = "https://meet.demo.example/ncan-general"
ONLINE_SPOKESCOUNCIL = "https://meet.demo.example/ncan-spokes"
LEEDS_HUB = "Community room, Chapeltown Road, Leeds (step-free entrance at the side), or online"

# (role, person) at each meeting held; the upcoming general meeting has a facilitator only, so rotation suggests
# who should take notes and keep time.
OLDER_GENERAL_ROLES = (
    ("facilitator", SECOND_COORDINATOR_NAME),
    ("note_taker", "Helen Marsh"),
    ("timekeeper", "Tia Henderson"),
)
SPOKESCOUNCIL_HELD_ROLES = (
    ("facilitator", COORDINATOR_NAME),
    ("note_taker", "Ruth Ashworth"),
    ("timekeeper", "Jade Robinson"),
)
PAST_GENERAL_ROLES = (
    ("facilitator", SECOND_COORDINATOR_NAME),
    ("note_taker", DELEGATE_NAME),
    ("timekeeper", "Kevin Walsh"),
)
UPCOMING_GENERAL_ROLES = (("facilitator", "Chloe Thompson"),)
UPCOMING_SPOKESCOUNCIL_ROLES = (("facilitator", "Marcus Johnson"),)

OLDER_GENERAL_PRESENT = (
    COORDINATOR_NAME,
    SECOND_COORDINATOR_NAME,
    DELEGATE_NAME,
    MEMBER_NAME,  # the member persona was last at this one, so their catch-up starts from its end
    "Helen Marsh",
    "Tia Henderson",
    "Imran Akhtar",
    "Kevin Walsh",
    "Shabana Begum",
    "Jade Robinson",
    "Eleanor Hughes",
    "Chloe Thompson",
    "Callum Robson",
    "Jonty Greenwood",
)
SPOKESCOUNCIL_HELD_PRESENT = (
    COORDINATOR_NAME,
    "Ruth Ashworth",
    "Jade Robinson",
    DELEGATE_NAME,
    "Chloe Thompson",
    "Imran Akhtar",
    "Eleanor Hughes",
    "Callum Robson",
    "Marcus Johnson",
    "Alison Dodd",
    "Sarah Storr",
    "Mei Chen",
    "Duncan Graham",
    "Kevin Walsh",
    "Tia Henderson",
    "Adebayo Ogunleye",
    "Lucy Harrington",
    "Gary Bell",
    "Ffion Parry",
)
PAST_GENERAL_PRESENT = (  # not the member persona: they missed it
    COORDINATOR_NAME,
    SECOND_COORDINATOR_NAME,
    DELEGATE_NAME,
    "Kevin Walsh",
    "Joseph Kamara",
    "Hannah Lewis",
    "Chloe Thompson",
    "Mohammed Iqbal",
    "Jade Robinson",
    "Nadia Hussain",
    "Imran Akhtar",
    "Sana Mirza",
    "Eleanor Hughes",
    "Callum Robson",
    "Marcus Johnson",
    "Alison Dodd",
    "Tia Henderson",
    "Shabana Begum",
    "Helen Marsh",
    "Jonty Greenwood",
)

# The task set at the older general meeting, done (with a note) at the last one, where it was followed up.
DRIVERS_TASK = "Ask the drivers' union branch to back the bus-fares letter"
DRIVERS_TASK_OWNER = "Kevin Walsh"
DRIVERS_DONE_NOTE = (
    "The Unite bus drivers' branch backed it unanimously, provided the letter says the cap must not come out of "
    "drivers' pay. Their letter of support is in the shared folder."
)

# The last general meeting's agenda, after the follow-up of the drivers' task: (proposed by, title, minutes, notes).
PAST_GENERAL_AGENDA: tuple[tuple[str, str, int, str], ...] = (
    (
        SECOND_COORDINATOR_NAME,
        "Welcome, access check and apologies",
        10,
        "Niamh welcomed everyone and checked access: captions were on, and two people joined by phone. Apologies "
        "from Bolton Climate Choir (rehearsing) and from Skipton Repair Café.",
    ),
    (
        COORDINATOR_NAME,
        "Moving general meetings online",
        30,
        "Amara presented the proposal: a monthly evening video call with live captions and a phone dial-in, and one "
        "weekend together in person each year with travel paid for those who need it.\n\n"
        "Concerns: Kendal and Whitby worried that people without good broadband drop out; Jonty said the valley's "
        "signal is poor. Answer: the phone dial-in stays, and any group can host a local hub with one screen.\n\n"
        "Counted by a show of hands (see the decision).",
    ),
    (
        "Jade Robinson",
        "Warm homes: report from Hull and Liverpool",
        25,
        "Jade reported that 140 tenants in Hull have logged damp and mould since October; the council has agreed to "
        "meet the tenants' union in the new year. Marcus said Liverpool's insulation petition has 2,300 signatures.\n\n"
        "Both groups asked for help collecting tenants' stories before the council meetings.",
    ),
    (
        "Imran Akhtar",
        "The bus-fares letter to the Combined Authority",
        20,
        "The follow-up above: the drivers' branch backs the letter (thank you, Kevin). Wakefield asked that the "
        "letter say the cap is paid from the levy, never from drivers' pay; agreed.\n\n"
        "Priya will draft the letter and send it round the four West Yorkshire groups, who then decide whether to "
        "send it (the proposal is open on Accord).",
    ),
    (
        SECOND_COORDINATOR_NAME,
        "The spring assembly",
        15,
        "Leeds offered to host. The date is being chosen on Accord by ranked choice; rank the four dates before the "
        "round closes. Leeds Climate Action will look for a step-free room with space for a crèche.",
    ),
)
PAST_GENERAL_DECISIONS = (  # (agenda item title, text, linked proposal title or "")
    (
        "Moving general meetings online",
        "General meetings move online from next month, with live captions and a phone dial-in; any member group may "
        "host a local hub. Counted on Accord: see the linked proposal.",
        MEETINGS_TITLE,
    ),
    (
        "The spring assembly",
        "Leeds Climate Action hosts the spring assembly; Newcastle Food Growers cook.",
        "",
    ),
)
# The two tasks set at the last general meeting, followed up at the next: (title, owner person, owner group, due in
# days from loading (negative: overdue), agenda item title).
LETTER_TASK = "Draft the bus-fares letter and send it round the West Yorkshire groups"
ROOM_TASK = "Find a step-free room with space for a crèche for the spring assembly"
PAST_GENERAL_TASKS: tuple[tuple[str, str, str, int, str], ...] = (
    (LETTER_TASK, DELEGATE_NAME, "", -3, "The bus-fares letter to the Combined Authority"),
    (ROOM_TASK, "", LEEDS, 12, "The spring assembly"),
)

# The upcoming general meeting: items proposed after the follow-ups (by, title, minutes), and the replies with what
# people need to take part: (name, answer, childcare, travel_cost, interpretation, step_free, quiet_room, other).
UPCOMING_GENERAL_AGENDA: tuple[tuple[str, str, int], ...] = (
    (SECOND_COORDINATOR_NAME, "The spring assembly: the date and the programme", 30),
    ("Jade Robinson", "Heat-wave plans for tenants in top-floor flats", 25),
    (MEMBER_NAME, "A bike ride from Leeds to the assembly", 10),
)
UPCOMING_GENERAL_REPLIES: tuple[tuple[str, str, int, bool, str, bool, bool, str], ...] = (
    ("Nadia Hussain", "yes", 2, False, "", False, False, ""),
    ("Sana Mirza", "yes", 0, False, "Urdu", False, False, ""),
    ("Eleanor Hughes", "yes", 0, False, "", True, False, ""),
    ("Li Wei", "maybe", 0, False, "", False, True, "A seat near the door, please."),
    ("Tia Henderson", "yes", 0, True, "", False, False, ""),
    ("Chloe Thompson", "yes", 0, False, "", False, False, ""),
    (DELEGATE_NAME, "yes", 0, False, "", False, False, ""),
    ("Imran Akhtar", "yes", 0, False, "", False, False, ""),
    ("Joseph Kamara", "maybe", 0, False, "", False, False, ""),
    ("Kevin Walsh", "no", 0, False, "", False, False, ""),
)


@dataclass(frozen=True)
class Demo:
    """What `load_demo` made: the coalition, the personas (accounts and their people) and notable groups."""

    coalition: Coalition
    coordinator: User
    coordinator_person: Person
    second_coordinator: User
    second_coordinator_person: Person
    delegate: User
    delegate_person: Person
    member: User
    member_person: Person
    outsider: User
    former_member: User
    former_member_person: Person
    delegate_group: MemberGroup  # Leeds Climate Action, 85 people: the delegate's and the member's group
    big_group: MemberGroup  # Manchester Climate Network, 400 people
    left_group: MemberGroup  # Scarborough Coastal Watch, which left
    unclaimed_person: Person  # Patrick O'Neill, recorded without an account, with an open invitation to claim it
    pending_group_application: Application
    pending_individual_application: Application
    password: str = DEMO_PASSWORD


def database_is_empty() -> bool:
    """True when there is no coalition and no account yet: a new install the demo could fill."""
    return not Coalition.objects.exists() and not get_user_model().objects.exists()


def _all_demo_emails() -> list[str]:
    people = [*MEMBERS_WITH_ACCOUNTS, *INDIVIDUALS_WITH_ACCOUNTS, DURHAM_DELEGATE, DURHAM_MEMBER]
    return [
        COORDINATOR_EMAIL,
        OUTSIDER_EMAIL,
        *(person.email for person in people),
        PENDING_GROUP_APPLICANT[1],
        PENDING_INDIVIDUAL_APPLICANT[1],
        DECLINED_APPLICANT[1],
    ]


def _account(name: str, email: str) -> User:
    return accounts.create_user(email=email, name=name, password=DEMO_PASSWORD if email in PASSWORD_HOLDERS else None)


@transaction.atomic
def load_demo() -> Demo:
    """Build the demo coalition through the actions, in one transaction. Refuses if a coalition exists already."""
    if Coalition.objects.exists():
        raise Conflict("The database already holds a coalition; load the demo only into a new, empty install.")
    taken = sorted(get_user_model().objects.filter(email__in=_all_demo_emails()).values_list("email", flat=True))
    if taken:
        raise Conflict(f"Accounts the demo would create already exist: {', '.join(taken)}.")

    # The founder, who becomes the first coordinator and an individual member, starts from the guides' template
    # constitution and edits it into the network's own texts before anyone decides on it.
    coordinator = _account(COORDINATOR_NAME, COORDINATOR_EMAIL)
    coalition = constitution.found_coalition(
        actor=coordinator, name=COALITION_NAME, purpose=COALITION_PURPOSE, membership_questions=MEMBERSHIP_QUESTIONS
    )
    for agreement in Agreement.objects.filter(coalition=coalition):
        title, text = CONSTITUTION_TEXTS[agreement.key]
        constitution.edit_draft_agreement(actor=coordinator, agreement=agreement, title=title, text=text)

    groups: dict[str, MemberGroup] = {}
    for group in GROUPS:
        groups[group.name] = actions.add_member_group(
            actor=coordinator,
            coalition=coalition,
            name=group.name,
            size=group.size,
            description=group.description,
            contact_name=group.contact_name,
            contact_email=group.contact_email,
        )

    # People with accounts join by invitation links from the coordinator; a second group is added by that
    # group's first delegate when they have joined already, otherwise by the coordinator.
    users: dict[str, User] = {}
    people: dict[str, Person] = {}
    for spec in (*MEMBERS_WITH_ACCOUNTS, *INDIVIDUALS_WITH_ACCOUNTS):
        user = users[spec.name] = _account(spec.name, spec.email)
        first = groups[spec.groups[0]] if spec.groups else None
        invitation = actions.create_invitation(
            actor=coordinator,
            coalition=coalition,
            member_group=first,
            as_delegate=first is not None and first.name in spec.delegate_of,
        )
        people[spec.name] = actions.accept_invitation(actor=user, token=invitation.token)
        for group_name in spec.groups[1:]:
            adder = next(
                (
                    users[other.name]
                    for other in MEMBERS_WITH_ACCOUNTS
                    if other.name in people and group_name in other.delegate_of
                ),
                coordinator,
            )
            actions.add_affiliation(
                actor=adder,
                person=people[spec.name],
                member_group=groups[group_name],
                is_delegate=group_name in spec.delegate_of,
            )

    # The second coordinator, made one by the founder.
    second_coordinator_person = actions.set_coordinator(
        actor=coordinator, person=people[SECOND_COORDINATOR_NAME], is_coordinator=True
    )
    second_coordinator = users[SECOND_COORDINATOR_NAME]

    # A facilitator (the second coordinator) records people met at meetings who have no account.
    for spec in RECORDED_WITHOUT_ACCOUNT:
        people[spec.name] = actions.record_person(
            actor=second_coordinator,
            coalition=coalition,
            name=spec.name,
            email=spec.email,
            member_groups=[groups[name] for name in spec.groups],
            delegate_of=[groups[name] for name in spec.delegate_of],
            is_individual_member=spec.individual,
        )

    # The founding decision: every founding member group consents, through its delegate (the coordinator records
    # Hebden Bridge Flood Wardens' agreement, given at a meeting: its delegate has no account). The groups that
    # agreed have signed on; the individual members with an account sign on for themselves.
    founding = constitution.propose_founding(actor=coordinator, coalition=coalition, closes_at=_in_the_room())
    for name, group in groups.items():
        decision_actions.record_stance(
            actor=users.get(_speaker(name), coordinator), proposal=founding, unit_key=f"g{group.pk}", position="agree"
        )
    _close_now(founding)
    coalition.refresh_from_db()
    for name in (COORDINATOR_NAME, "Helen Marsh", FORMER_MEMBER_NAME):
        constitution.sign_on(actor=users.get(name, coordinator), coalition=coalition)

    # Durham Climate Students apply as a group, signing on, and a general meeting admits them: they are in their
    # induction period now, not yet counted in decisions. Their delegate then invites a member.
    durham_delegate = users[DURHAM_DELEGATE.name] = _account(DURHAM_DELEGATE.name, DURHAM_DELEGATE.email)
    durham_application = constitution.apply_to_join(
        actor=durham_delegate,
        coalition=coalition,
        kind="group",
        signs_on=True,
        group_name=DURHAM_APPLICATION.name,
        group_size=DURHAM_APPLICATION.size,
        group_description=DURHAM_APPLICATION.description,
        answers=[
            "Durham. We run the divestment campaign at the university and the colleges' green teams.",
            "To learn from groups who have won local campaigns, and to bring students to the network's actions.",
            "Yes, both.",
        ],
    )
    _record_room(second_coordinator, durham_application.admission.proposal, DURHAM_STANCES)
    _close_now(durham_application.admission.proposal)
    durham_application.refresh_from_db()
    groups[DURHAM] = durham_application.member_group  # type: ignore[assignment]
    people[DURHAM_DELEGATE.name] = durham_application.person  # type: ignore[assignment]
    durham_member = users[DURHAM_MEMBER.name] = _account(DURHAM_MEMBER.name, DURHAM_MEMBER.email)
    durham_invitation = actions.create_invitation(
        actor=durham_delegate, coalition=coalition, member_group=groups[DURHAM]
    )
    people[DURHAM_MEMBER.name] = actions.accept_invitation(actor=durham_member, token=durham_invitation.token)

    # An application the general meeting blocks: the applicant reads why, in the decision's outcome.
    declined_applicant = _account(*DECLINED_APPLICANT)
    declined = constitution.apply_to_join(
        actor=declined_applicant,
        coalition=coalition,
        kind="group",
        signs_on=True,
        group_name=GAS_FORUM,
        group_size=12,
        group_description="Businesses and councils planning the region's move to hydrogen-ready gas networks.",
        answers=[
            "Leeds and Teesside. We bring industry and councils together on the future of the gas grid.",
            "To make sure the network hears the industry's view on hydrogen.",
            "We accept non-violence; some of our members are gas suppliers.",
        ],
    )
    _record_room(coordinator, declined.admission.proposal, GAS_STANCES)
    _close_now(declined.admission.proposal)

    # Open invitations: a link the delegate makes for their own group, an email to a would-be individual member,
    # and two invitations to claim records made without an account (sent to the address on the record).
    delegate = users[DELEGATE_NAME]
    actions.create_invitation(actor=delegate, coalition=coalition, member_group=groups[LEEDS])
    actions.create_invitation(actor=coordinator, coalition=coalition, email=OPEN_EMAIL_INVITATION)
    for name in (UNCLAIMED_PERSON, "Samir Haddad"):
        actions.create_invitation(actor=coordinator, coalition=coalition, person=people[name])

    # An individual member leaves; then Scarborough Coastal Watch leaves, through its delegate.
    former_member_person = actions.leave_coalition(
        actor=users[FORMER_MEMBER_NAME], coalition=coalition, reason=FORMER_MEMBER_REASON
    )
    left_group = actions.withdraw_member_group(
        actor=users[LEFT_GROUP_DELEGATE], member_group=groups[SCARBOROUGH], reason=LEFT_GROUP_REASON
    )

    # Two applications waiting for the coalition's decision, a group and an individual: their admission decisions
    # are open, and wait for the coordinator (an individual member) and the delegate persona's group among others.
    group_applicant = _account(*PENDING_GROUP_APPLICANT)
    pending_group = constitution.apply_to_join(
        actor=group_applicant,
        coalition=coalition,
        kind="group",
        signs_on=True,
        group_name="Sheffield Tenants for Climate",
        group_size=35,
        group_description="Council tenants in Sheffield campaigning for retrofit without rent rises.",
        answers=[
            "Sheffield, on the Manor and Parson Cross estates. We survey damp homes and lobby the council.",
            "Liverpool's tenants showed us what a joint campaign can win; we want to do the same.",
            "Yes.",
        ],
    )
    individual_applicant = _account(*PENDING_INDIVIDUAL_APPLICANT)
    pending_individual = constitution.apply_to_join(
        actor=individual_applicant,
        coalition=coalition,
        kind="individual",
        signs_on=True,
        answers=[
            "Huddersfield. I am a retired engineer who advises community energy schemes.",
            "There is no group near me, and I can offer technical help on solar and heat pumps.",
            "Yes, I accept both.",
        ],
    )
    for name, position, reason in PENDING_STANCES:
        for application in (pending_group, pending_individual):
            decision_actions.record_stance(
                actor=users[name], proposal=application.admission.proposal, position=position, reason=reason
            )

    # Someone with an account and no place in the coalition.
    outsider = _account(OUTSIDER_NAME, OUTSIDER_EMAIL)

    # Decisions, once the membership has settled: two closed, one blocked and tried again, two open.
    _decide(coalition, coordinator=coordinator, second_coordinator=second_coordinator, users=users, groups=groups)
    # The constitution in use: amendments passed, open and stale; sign-ons; red lines and a flag.
    _amend(coalition, coordinator=coordinator, second_coordinator=second_coordinator, users=users, groups=groups)
    # Meetings held and coming: roles rotating, notes, attendance, decisions in the room, tasks, replies with needs.
    _meet(coalition, coordinator=coordinator, second_coordinator=second_coordinator, users=users, groups=groups)

    coordinator_person = queries.people(coordinator, coalition).get(user=coordinator)
    return Demo(
        coalition=coalition,
        coordinator=coordinator,
        coordinator_person=coordinator_person,
        second_coordinator=second_coordinator,
        second_coordinator_person=second_coordinator_person,
        delegate=delegate,
        delegate_person=people[DELEGATE_NAME],
        member=users[MEMBER_NAME],
        member_person=people[MEMBER_NAME],
        outsider=outsider,
        former_member=users[FORMER_MEMBER_NAME],
        former_member_person=former_member_person,
        delegate_group=groups[LEEDS],
        big_group=groups[MANCHESTER],
        left_group=left_group,
        unclaimed_person=people[UNCLAIMED_PERSON],
        pending_group_application=pending_group,
        pending_individual_application=pending_individual,
    )


def _closing(days: int) -> datetime:
    """A closing time `days` ahead, on the hour: two loads on the same day write the same audit log."""
    moment = timezone.now() + timedelta(days=days)
    return moment.replace(hour=CLOSING_HOUR, minute=0, second=0, microsecond=0)


def _in_the_room() -> datetime:
    """The closing time of a decision taken in a meeting: the shortest window Accord allows, closed at its end."""
    return timezone.now() + ROOM_WINDOW


def _close_now(proposal: Proposal) -> None:
    """Close the proposal's round as its closing time comes: the decisions the constitution's actions open have no
    "close when everyone has responded", so the demo closes them as the worker would at the deadline."""
    round_ = decision_queries.current_round(proposal)
    decision_actions.close_round_if_due(round_id=round_.pk, now=round_.closes_at + timedelta(seconds=1))


def _speaker(group_name: str) -> str:
    """The group's first delegate with an account, who speaks for it; "" when it has none (Hebden Bridge)."""
    specs = (*MEMBERS_WITH_ACCOUNTS, DURHAM_DELEGATE)
    return next((spec.name for spec in specs if group_name in spec.delegate_of), "")


def _kind(actor: User, coalition: Coalition, key: str) -> DecisionKind:
    return next(kind for kind in decision_queries.decision_kinds(actor, coalition) if kind.key == key)


def _record_room(facilitator: User, proposal: Proposal, stances: dict[str, tuple[str, str]]) -> None:
    """A facilitator records every eligible unit's stance in the room: `stances` by unit name, else agree."""
    round_ = decision_queries.current_round(proposal)
    for unit in list(decision_queries.eligible_units(facilitator, proposal, round_)):
        position, reason = stances.get(unit.label, ("agree", ""))
        decision_actions.record_stance(
            actor=facilitator, proposal=proposal, unit_key=unit.key, position=position, reason=reason
        )


def _decide(
    coalition: Coalition,
    *,
    coordinator: User,
    second_coordinator: User,
    users: dict[str, User],
    groups: dict[str, MemberGroup],
) -> None:
    """The demo's proposals (see "decisions" above), through `accord.decisions.actions` only."""
    # Closed, passed: a general meeting changes how people take part, counted by people (simple majority).
    meetings = decision_actions.open_proposal(
        actor=coordinator,
        coalition=coalition,
        kind=_kind(coordinator, coalition, "meeting_conduct"),
        title=MEETINGS_TITLE,
        text=MEETINGS_TEXT,
        closes_at=_closing(OPEN_DAYS),
        close_when_all_responded=True,
    )
    _record_room(
        second_coordinator,
        meetings,
        {name: ("disagree", "") for name in MEETINGS_DISAGREE} | {name: ("abstain", "") for name in MEETINGS_ABSTAIN},
    )

    # Closed, passed with one block: an amendment adding a policy to the constitution, decided under the
    # "amend the constitution" rule (one block allowed per 12 member groups) at a general meeting.
    rotation = constitution.propose_amendment(
        actor=coordinator,
        coalition=coalition,
        target="new_agreement",
        change={"title": ROTATION_AGREEMENT, "text": ROTATION_TEXT, "category": "policy", "members_confirm": False},
        title=ROTATION_TITLE,
        explanation=ROTATION_EXPLANATION,
        closes_at=_in_the_room(),
    ).proposal
    _record_room(coordinator, rotation, ROTATION_STANCES)
    _close_now(rotation)

    # Blocked in round 1 at a spokescouncil; round 2, with amended text, is open.
    budget = decision_actions.open_proposal(
        actor=second_coordinator,
        coalition=coalition,
        kind=_kind(coordinator, coalition, "budget_and_strategy"),
        title=BUDGET_TITLE,
        text=BUDGET_TEXT,
        closes_at=_closing(OPEN_DAYS),
        close_when_all_responded=True,
    )
    _record_room(second_coordinator, budget, BUDGET_ROUND_1_STANCES)
    decision_actions.start_next_round(
        actor=second_coordinator, proposal=budget, closes_at=_closing(OPEN_DAYS), text=BUDGET_AMENDED_TEXT
    )
    budget = decision_queries.proposal(second_coordinator, coalition, budget.pk)  # open again, in round 2
    for delegate, position, reason in BUDGET_ROUND_2_STANCES:
        decision_actions.record_stance(actor=users[delegate], proposal=budget, position=position, reason=reason)

    # Open, decided by the member groups it affects (consensus minus one); the delegate persona's group is waited on.
    bus = decision_actions.open_proposal(
        actor=users[BUS_OPENED_BY],
        coalition=coalition,
        kind=_kind(coordinator, coalition, "affected_groups"),
        title=BUS_TITLE,
        text=BUS_TEXT,
        closes_at=_closing(OPEN_DAYS),
        scope_groups=[groups[name] for name in BUS_GROUPS],
    )
    for delegate, position, reason in BUS_STANCES:
        decision_actions.record_stance(actor=users[delegate], proposal=bus, position=position, reason=reason)

    # Open, ranked choice between dates; the member persona has not ranked them yet.
    assembly = decision_actions.open_proposal(
        actor=second_coordinator,
        coalition=coalition,
        kind=_kind(coordinator, coalition, "choose_between_options"),
        title=ASSEMBLY_TITLE,
        text=ASSEMBLY_TEXT,
        closes_at=_closing(RANKED_OPEN_DAYS),
        options=ASSEMBLY_OPTIONS,
    )
    for name, ranking in ASSEMBLY_RANKINGS:
        actor = coordinator if name == COORDINATOR_NAME else users[name]
        decision_actions.record_stance(actor=actor, proposal=assembly, ranking=ranking)


def _amend(
    coalition: Coalition,
    *,
    coordinator: User,
    second_coordinator: User,
    users: dict[str, User],
    groups: dict[str, MemberGroup],
) -> None:
    """The constitution in use (see "the constitution" above), through `accord.agreements.actions` only."""
    # Two amendments of "What it means to be in": the delegate persona's stays open; the second coordinator's
    # passes at a general meeting, which leaves the first stale until its author rebases it on the new text.
    expectations = Agreement.objects.get(coalition=coalition, key=EXPECTATIONS)
    dues = constitution.propose_amendment(
        actor=users[DUES_BY],
        coalition=coalition,
        target="agreement",
        agreement=expectations,
        change={"text": DUES_TEXT},
        title=DUES_TITLE,
        explanation=DUES_EXPLANATION,
        closes_at=_closing(OPEN_DAYS),
    )
    for name, position, reason in DUES_STANCES:
        decision_actions.record_stance(actor=users[name], proposal=dues.proposal, position=position, reason=reason)
    buddy = constitution.propose_amendment(
        actor=users[BUDDY_BY],
        coalition=coalition,
        target="agreement",
        agreement=expectations,
        change={"text": BUDDY_TEXT},
        title=BUDDY_TITLE,
        explanation=BUDDY_EXPLANATION,
        closes_at=_in_the_room(),
    )
    _record_room(second_coordinator, buddy.proposal, {})
    _close_now(buddy.proposal)

    # Every member re-confirms the changed agreement. Hebden Bridge Flood Wardens' only delegate has no account: the
    # second coordinator records their re-confirmation, given at a meeting, on their behalf.
    for group in queries.current_groups(coalition):
        speaker = _speaker(group.name)
        if speaker:
            constitution.sign_on(actor=users[speaker], coalition=coalition, member_group=group)
        else:
            constitution.sign_on(actor=second_coordinator, coalition=coalition, member_group=group, on_behalf=True)
    for name in (COORDINATOR_NAME, "Helen Marsh"):
        constitution.sign_on(actor=users.get(name, coordinator), coalition=coalition)

    # Open: a change to the decision table, waiting for the delegate persona's group among others.
    quorum = constitution.propose_amendment(
        actor=users[QUORUM_BY],
        coalition=coalition,
        target="decision_kind",
        decision_kind=_kind(coordinator, coalition, "meeting_conduct"),
        change={"rule": QUORUM_RULE},
        title=QUORUM_TITLE,
        explanation=QUORUM_EXPLANATION,
        closes_at=_closing(OPEN_DAYS),
    )
    for name, position, reason in QUORUM_STANCES:
        decision_actions.record_stance(actor=users[name], proposal=quorum.proposal, position=position, reason=reason)

    # Red lines, stated by the groups' delegates; one was confirmed long ago and is overdue.
    red_lines = {
        group_name: constitution.state_red_line(actor=users[delegate], member_group=groups[group_name], text=text)
        for group_name, delegate, text in RED_LINES
    }
    # No action states a red line in the past (rightly): the demo moves this one's dates back directly, and only
    # these two timestamps, so that the red-lines page shows one overdue for re-confirmation.
    long_ago = timezone.now() - timedelta(days=OVERDUE_RED_LINE_DAYS)
    RedLine.objects.filter(pk=red_lines[OVERDUE_RED_LINE_GROUP].pk).update(stated_at=long_ago, confirmed_at=long_ago)
    bus = Proposal.objects.get(coalition=coalition, title=BUS_TITLE)
    constitution.flag_red_line(actor=users[FLAGGED_BY], proposal=bus, red_line=red_lines[WAKEFIELD], note=FLAG_NOTE)


def _at(days: int, hour: int, minute: int = 0) -> datetime:
    """A time `days` from today, at `hour`:`minute` UTC."""
    return (timezone.now() + timedelta(days=days)).replace(hour=hour, minute=minute, second=0, microsecond=0)


def _meet(
    coalition: Coalition,
    *,
    coordinator: User,
    second_coordinator: User,
    users: dict[str, User],
    groups: dict[str, MemberGroup],
) -> None:
    """The demo's meetings (see "meetings" above), through `accord.meetings.actions` only."""
    people = {person.name: person for person in queries.current_people(coalition)}
    users = users | {COORDINATOR_NAME: coordinator}

    def roles(meeting: Meeting, assigned: tuple[tuple[str, str], ...]) -> None:
        for role, name in assigned:
            meeting_actions.assign_role(actor=coordinator, meeting=meeting, role=role, person=people[name])

    def held(title: str, kind: str, days: int, *, by: str, place: str = "", link: str = "", **details: str) -> Meeting:
        return meeting_actions.schedule_meeting(
            actor=users[by],
            coalition=coalition,
            kind=kind,
            title=title,
            starts_at=_at(days, MEETING_HOUR),
            ends_at=_at(days, MEETING_HOUR + 2),
            place=place,
            online_link=link,
            languages=["English"],
            invite=False,
            **details,
        )

    # Held nine weeks ago: a general meeting, which set the drivers' task; the member persona was there.
    older = held(OLDER_GENERAL_TITLE, "general", OLDER_GENERAL_DAYS, by=SECOND_COORDINATOR_NAME, place=LEEDS_HUB)
    roles(older, OLDER_GENERAL_ROLES)
    note_taker = users[dict(OLDER_GENERAL_ROLES)["note_taker"]]
    meeting_actions.record_attendance(
        actor=note_taker, meeting=older, present=[people[name] for name in OLDER_GENERAL_PRESENT]
    )
    drivers = meeting_actions.create_task(
        actor=note_taker,
        coalition=coalition,
        title=DRIVERS_TASK,
        owner_person=people[DRIVERS_TASK_OWNER],
        meeting=older,
    )

    # Held five weeks ago: the spokescouncil at which the budget's first round was blocked.
    spokes = held(
        SPOKESCOUNCIL_HELD_TITLE,
        "spokescouncil",
        SPOKESCOUNCIL_HELD_DAYS,
        by=COORDINATOR_NAME,
        link=ONLINE_SPOKESCOUNCIL,
        audience="The delegates (spokes) of every member group",
    )
    roles(spokes, SPOKESCOUNCIL_HELD_ROLES)
    meeting_actions.record_attendance(
        actor=users[dict(SPOKESCOUNCIL_HELD_ROLES)["note_taker"]],
        meeting=spokes,
        present=[people[name] for name in SPOKESCOUNCIL_HELD_PRESENT],
    )

    # Held two weeks ago. No action adds agenda items to a meeting that has ended (rightly), so the second
    # coordinator schedules it ahead, members propose its items, and then it is moved back to its date: one
    # "meeting.changed" event. Its agenda opens with the follow-up of the drivers' task, done at the meeting.
    past = meeting_actions.schedule_meeting(
        actor=second_coordinator,
        coalition=coalition,
        kind="general",
        title=PAST_GENERAL_TITLE,
        starts_at=_at(PAST_GENERAL_DRAFT_DAYS, MEETING_HOUR),
        ends_at=_at(PAST_GENERAL_DRAFT_DAYS, MEETING_HOUR + 2),
        place=LEEDS_HUB,
        online_link=ONLINE_GENERAL,
        languages=["English"],
        invite=False,
    )
    items = {
        title: meeting_actions.propose_agenda_item(actor=users[by], meeting=past, title=title, minutes=minutes)
        for by, title, minutes, _notes in PAST_GENERAL_AGENDA
    }
    past = meeting_actions.update_meeting(
        actor=second_coordinator,
        meeting=past,
        starts_at=_at(PAST_GENERAL_DAYS, MEETING_HOUR),
        ends_at=_at(PAST_GENERAL_DAYS, MEETING_HOUR + 2),
    )
    roles(past, PAST_GENERAL_ROLES)
    note_taker = users[dict(PAST_GENERAL_ROLES)["note_taker"]]
    follow_up = AgendaItem.objects.get(meeting=past, follow_up_of=drivers)
    meeting_actions.save_notes(
        actor=note_taker,
        item=follow_up,
        notes="Kevin: done. The branch backs the letter (see the task's note).",
        base_revision=follow_up.notes_revision,
    )
    meeting_actions.complete_task(actor=users[DRIVERS_TASK_OWNER], task=drivers, note=DRIVERS_DONE_NOTE)
    for _by, title, _minutes, notes in PAST_GENERAL_AGENDA:
        item = items[title]
        meeting_actions.save_notes(actor=note_taker, item=item, notes=notes, base_revision=item.notes_revision)
    meeting_actions.record_attendance(
        actor=note_taker, meeting=past, present=[people[name] for name in PAST_GENERAL_PRESENT]
    )
    for item_title, text, proposal_title in PAST_GENERAL_DECISIONS:
        meeting_actions.record_decision(
            actor=note_taker,
            meeting=past,
            text=text,
            item=items[item_title],
            proposal=Proposal.objects.get(coalition=coalition, title=proposal_title) if proposal_title else None,
        )
    for title, owner, owner_group, due_days, item_title in PAST_GENERAL_TASKS:
        meeting_actions.create_task(
            actor=note_taker,
            coalition=coalition,
            title=title,
            owner_person=people[owner] if owner else None,
            owner_group=groups[owner_group] if owner_group else None,
            due_on=_at(due_days, 12).date(),
            meeting=past,
            item=items[item_title],
        )
    meeting_actions.publish_public_notes(actor=note_taker, meeting=past)

    # Upcoming, and everyone is invited: a social, a general meeting and a spokescouncil.
    meeting_actions.schedule_meeting(
        actor=users["Ffion Parry"],
        coalition=coalition,
        kind="social",
        title=SOCIAL_TITLE,
        starts_at=_at(SOCIAL_DAYS, 17, 30),
        ends_at=_at(SOCIAL_DAYS, 21),
        place="Hebden Bridge Town Hall, St George's Street, Hebden Bridge",
        languages=["English"],
        audience="Everyone in the network, their families and friends",
        description="Bring a dish to share if you can (there is plenty if you cannot). The choir sings at eight; "
        "children are welcome.",
    )
    upcoming = meeting_actions.schedule_meeting(
        actor=coordinator,
        coalition=coalition,
        kind="general",
        title=UPCOMING_GENERAL_TITLE,
        starts_at=_at(UPCOMING_GENERAL_DAYS, MEETING_HOUR),
        ends_at=_at(UPCOMING_GENERAL_DAYS, MEETING_HOUR + 2),
        place=LEEDS_HUB,
        online_link=ONLINE_GENERAL,
        languages=["English"],
        audience="Every member of the network",
        description="Live captions and a phone dial-in as usual. Tell us what you need to take part when you reply.",
    )  # its agenda opens with the follow-ups of the two open tasks
    for by, title, minutes in UPCOMING_GENERAL_AGENDA:
        meeting_actions.propose_agenda_item(actor=users[by], meeting=upcoming, title=title, minutes=minutes)
    roles(upcoming, UPCOMING_GENERAL_ROLES)
    for name, answer, childcare, travel, language, step_free, quiet, other in UPCOMING_GENERAL_REPLIES:
        meeting_actions.reply_to_meeting(
            actor=users[name],
            meeting=upcoming,
            answer=answer,
            childcare=childcare,
            travel_cost=travel,
            interpretation=language,
            step_free=step_free,
            quiet_room=quiet,
            other_needs=other,
        )
    spokescouncil = meeting_actions.schedule_meeting(
        actor=second_coordinator,
        coalition=coalition,
        kind="spokescouncil",
        title=UPCOMING_SPOKESCOUNCIL_TITLE,
        starts_at=_at(UPCOMING_SPOKESCOUNCIL_DAYS, MEETING_HOUR),
        ends_at=_at(UPCOMING_SPOKESCOUNCIL_DAYS, MEETING_HOUR + 2),
        online_link=ONLINE_SPOKESCOUNCIL,
        languages=["English"],
        audience="The delegates (spokes) of every member group",
        description="Each spoke brings their group's position on the amended budget, agreed at the group's own "
        "meeting beforehand.",
    )
    meeting_actions.propose_agenda_item(
        actor=second_coordinator,
        meeting=spokescouncil,
        title="The budget, round 2: each group's position",
        minutes=60,
    )
    roles(spokescouncil, UPCOMING_SPOKESCOUNCIL_ROLES)


def find_demo() -> Demo | None:
    """The demo coalition already in the database, as `load_demo` returned it; None when it is not there.

    Lets tests load the demo once and reuse it: each test reads the same rows inside its own rolled-back
    transaction instead of building 60 people again.
    """
    coalition = Coalition.objects.filter(name=COALITION_NAME).order_by("pk").first()
    if coalition is None:
        return None
    users = {
        user.email: user
        for user in User.objects.filter(
            email__in=[
                COORDINATOR_EMAIL,
                SECOND_COORDINATOR_EMAIL,
                DELEGATE_EMAIL,
                MEMBER_EMAIL,
                OUTSIDER_EMAIL,
                FORMER_MEMBER_EMAIL,
            ]
        )
    }
    people = {
        person.name: person
        for person in Person.objects.filter(
            coalition=coalition,
            name__in=[
                COORDINATOR_NAME,
                SECOND_COORDINATOR_NAME,
                DELEGATE_NAME,
                MEMBER_NAME,
                FORMER_MEMBER_NAME,
                UNCLAIMED_PERSON,
            ],
        )
    }
    groups = {
        group.name: group
        for group in MemberGroup.objects.filter(coalition=coalition, name__in=[LEEDS, MANCHESTER, SCARBOROUGH])
    }
    pending = {
        application.kind: application
        for application in Application.objects.filter(coalition=coalition, status="pending").order_by("pk")
    }
    return Demo(
        coalition=coalition,
        coordinator=users[COORDINATOR_EMAIL],
        coordinator_person=people[COORDINATOR_NAME],
        second_coordinator=users[SECOND_COORDINATOR_EMAIL],
        second_coordinator_person=people[SECOND_COORDINATOR_NAME],
        delegate=users[DELEGATE_EMAIL],
        delegate_person=people[DELEGATE_NAME],
        member=users[MEMBER_EMAIL],
        member_person=people[MEMBER_NAME],
        outsider=users[OUTSIDER_EMAIL],
        former_member=users[FORMER_MEMBER_EMAIL],
        former_member_person=people[FORMER_MEMBER_NAME],
        delegate_group=groups[LEEDS],
        big_group=groups[MANCHESTER],
        left_group=groups[SCARBOROUGH],
        unclaimed_person=people[UNCLAIMED_PERSON],
        pending_group_application=pending["group"],
        pending_individual_application=pending["individual"],
    )
