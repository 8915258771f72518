"""The project's fixed concepts: the UN bodies, vote options and their codes, tally classes."""

from kg.model.iris import GENERAL_ASSEMBLY, SECURITY_COUNCIL
from kg.model.namespaces import OPENGOV, UNKG

BODIES = {GENERAL_ASSEMBLY: "United Nations General Assembly",
          SECURITY_COUNCIL: "United Nations Security Council"}

# Vote codes of the UN Digital Library files (and spellings of older exports) -> option.
OPTIONS = {"Y": UNKG.Yes, "N": UNKG.No, "A": UNKG.Abstain, "X": UNKG.NonVoting,
           "NV": UNKG.NonVoting, "": UNKG.NonVoting,
           # spelled-out codes seen in older exports and hand-made extracts
           "YES": UNKG.Yes, "NO": UNKG.No, "ABSTAIN": UNKG.Abstain, "ABSTENTION": UNKG.Abstain,
           "NON-VOTING": UNKG.NonVoting, "NON VOTING": UNKG.NonVoting,
           "ABSENT": UNKG.NonVoting}
# Derived shortcuts from a state to a vote event, one per option: the same fact as the
# ballot's schema:option, one hop instead of three, for analyses over the whole history.
SHORTCUTS = {UNKG.Yes: UNKG.votedYes, UNKG.No: UNKG.votedNo, UNKG.Abstain: UNKG.abstainedOn,
             UNKG.NonVoting: UNKG.nonVotingOn}
# Tally key -> (the count's class, the option it counts).
COUNT_CLASSES = {
    "yes": (OPENGOV.YesCount, UNKG.Yes),
    "no": (OPENGOV.NoCount, UNKG.No),
    "abstain": (OPENGOV.AbstainCount, UNKG.Abstain),
    "non-voting": (OPENGOV.AbsentCount, UNKG.NonVoting),
}
OPTION_KEYS = {option: key for key, (_, option) in COUNT_CLASSES.items()}
