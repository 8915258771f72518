"""Synthetic UN voting history in the UN Digital Library layouts, for benchmarks and tests.

    python benchmarks/make_history.py [OUT_DIR] [--scale 0.01] [--seed 1945] [--malformed 0]

Writes `ga_voting.csv` (about 5,000 recorded General Assembly votes, 1946-2025) and
`sc_voting.csv` (about 2,800 Security Council resolutions) at scale 1. Same seed and scale,
same bytes. The data are invented but shaped like the real thing: membership grows from 51
states, historical members (SUN, YUG, CSK, DDR, YAR, YMD) give way to their successors, blocs
vote together with imperfect cohesion, some states are absent, the Council's elected members
rotate every two years. The files have the form of the real ones of February 2026 (issue 15):
a byte-order mark, totals written as decimals (`93.0`), a `modality` column with resolutions
adopted without a vote (every member's row, no vote, no totals), drafts and subjects with
several values joined by `|`. The Ukraine-related votes since 2014 are included with plausible
positions; the three votes of 24 February 2025 are copied from the project's official extract.
Never commit the output.
"""

import csv
import random
import sys
from dataclasses import dataclass
from pathlib import Path

import click

ROOT = Path(__file__).resolve().parent.parent
EXTRACT = ROOT / "sources" / "official-record"
GA_COLUMNS = ["undl_id", "ms_code", "ms_name", "ms_vote", "date", "session", "resolution", "draft",
              "committee_report", "meeting", "title", "agenda_title", "subjects", "vote_note",
              "modality", "total_yes", "total_no", "total_abstentions", "total_non_voting",
              "total_ms", "undl_link"]
SC_COLUMNS = ["undl_id", "ms_code", "ms_name", "permanent_member", "ms_vote", "date", "resolution",
              "draft", "meeting", "description", "agenda", "subjects", "vote_note", "modality",
              "total_yes", "total_no", "total_abstentions", "total_non_voting", "total_ms",
              "undl_link"]
FOUNDERS = set("ARG AUS BEL BOL BRA BLR CAN CHL CHN COL CRI CUB DNK DOM ECU EGY SLV ETH FRA GRC "
               "GTM HTI HND IND IRN IRQ LBN LBR LUX MEX NLD NZL NIC NOR PAN PRY PER PHL POL SAU "
               "ZAF SYR TUR UKR GBR USA URY VEN".split())
# Historical members: code, name, first and last year, the current codes they stand in for.
HISTORICAL = [("SUN", "UNION OF SOVIET SOCIALIST REPUBLICS", 1946, 1991, {"RUS"}),
              ("YUG", "YUGOSLAVIA", 1946, 2005, {"SRB"}),
              ("CSK", "CZECHOSLOVAKIA", 1946, 1992, {"CZE", "SVK"}),
              ("DDR", "GERMAN DEMOCRATIC REPUBLIC", 1973, 1990, set()),
              ("YAR", "YEMEN ARAB REPUBLIC", 1947, 1990, {"YEM"}),
              ("YMD", "DEMOCRATIC YEMEN", 1967, 1990, set())]
LATE = {"RUS": 1992, "SRB": 2006, "CZE": 1993, "SVK": 1993, "YEM": 1990, "DEU": 1973}
WEST = set("USA GBR FRA DEU CAN AUS NZL JPN NLD BEL LUX ITA ESP PRT DNK NOR SWE FIN ISL IRL AUT "
           "CHE GRC ISR KOR MLT CYP".split())
EAST_FOREVER = set("SUN RUS BLR CUB PRK SYR NIC DDR MNG".split())
WARSAW = set("POL CSK HUN BGR ROU UKR".split())  # East until 1991, then drifting West
GA_TOPICS = {
    "consensus": ["Cooperation between the United Nations and regional organizations",
                  "Oceans and the law of the sea", "International cooperation on humanitarian "
                  "assistance", "Sustainable development", "Rights of the child"],
    "south": ["Necessity of ending the economic, commercial and financial embargo",
              "Permanent sovereignty over natural resources in the occupied territories",
              "Right of peoples to self-determination", "Unilateral coercive measures",
              "Towards a new international economic order"],
    "rights": ["Situation of human rights in a named Member State",
               "Combating glorification of Nazism", "Human rights defenders",
               "Moratorium on the use of the death penalty"],
    "disarmament": ["General and complete disarmament", "Nuclear disarmament",
                    "Prohibition of the development of new weapons of mass destruction",
                    "Treaty on the Prohibition of Nuclear Weapons"],
}
# Bloc stances per kind of resolution: the option each bloc leans to.
STANCES = {"consensus": {"west": "Y", "east": "Y", "south": "Y"},
           "south": {"west": "N", "east": "Y", "south": "Y"},
           "rights": {"west": "Y", "east": "N", "south": "A"},
           "disarmament": {"west": "A", "east": "Y", "south": "Y"}}
COHESION = {"west": 0.9, "east": 0.85, "south": 0.7}
# Subject headings per kind of resolution (UNBIS-like), several joined by "|" as in the files.
SUBJECTS = {"consensus": "INTERNATIONAL COOPERATION|REGIONAL ORGANIZATIONS",
            "south": "ECONOMIC DEVELOPMENT|SELF-DETERMINATION OF PEOPLES",
            "rights": "HUMAN RIGHTS", "disarmament": "DISARMAMENT|NUCLEAR WEAPONS",
            "ukraine": "UKRAINE--POLITICAL CONDITIONS|TERRITORIAL INTEGRITY"}
WITHOUT_VOTE_PER_YEAR = 3  # at scale 1: GA resolutions adopted without a vote, each year
UKRAINE_GA = [  # symbol, date, title; positions: West Y, East N, South mostly Y or A
    ("A/RES/68/262", "2014-03-27", "Territorial integrity of Ukraine"),
    ("A/RES/ES-11/1", "2022-03-02", "Aggression against Ukraine"),
    ("A/RES/ES-11/2", "2022-03-24", "Humanitarian consequences of the aggression against Ukraine"),
    ("A/RES/ES-11/3", "2022-04-07", "Suspension of the rights of membership of the Russian "
                                    "Federation in the Human Rights Council"),
    ("A/RES/ES-11/4", "2022-10-12", "Territorial integrity of Ukraine: defending the principles "
                                    "of the Charter of the United Nations"),
    ("A/RES/ES-11/5", "2022-11-14", "Furtherance of remedy and reparation for aggression against "
                                    "Ukraine"),
    ("A/RES/ES-11/6", "2023-02-23", "Principles of the Charter of the United Nations underlying "
                                    "a comprehensive, just and lasting peace in Ukraine"),
    ("A/RES/78/316", "2024-07-11", "Safety and security of nuclear facilities of Ukraine, "
                                   "including the Zaporizhzhia Nuclear Power Plant"),
]


@dataclass(frozen=True)
class State:
    code: str
    name: str
    joined: int
    left: int = 9999

    def member_in(self, year: int) -> bool:
        return self.joined <= year <= self.left


def read_extract(name: str) -> list[dict[str, str]]:
    with (EXTRACT / name).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def membership(rng: random.Random) -> list[State]:
    """The 193 current members (codes and names from the extract) and six historical ones."""
    current = sorted({(r["ms_code"], r["ms_name"]) for r in read_extract(
        "ga_voting_2025-02-24.csv")})
    waves = [1955] * 4 + [1960] * 6 + [1962, 1964, 1966, 1968, 1970, 1975, 1977, 1980, 1984,
                                       1990, 1992, 1993, 1994, 1999, 2000, 2002, 2006, 2011]
    states = []
    for code, name in current:
        joined = 1946 if code in FOUNDERS else LATE.get(code, rng.choice(waves))
        states.append(State(code, name, joined))
    states += [State(code, name, start, end) for code, name, start, end, _ in HISTORICAL]
    return states


def bloc(code: str, year: int) -> str:
    if code in WEST or (code in WARSAW and year > 1995):
        return "west"
    if code in EAST_FOREVER or (code in WARSAW and year <= 1991):
        return "east"
    return "south"


def cast(rng: random.Random, lean: str, cohesion: float, absent: float) -> str:
    if rng.random() < absent:
        return "X"
    if rng.random() < cohesion:
        return lean
    return rng.choice("YNAA")


def ga_votes(rng: random.Random, members: list[State], year: int, kind: str) -> dict[str, str]:
    stance = dict(STANCES[kind])
    absent = 0.08 if year < 1990 else 0.04
    votes = {}
    for state in members:
        group = bloc(state.code, year)
        votes[state.code] = cast(rng, stance[group], COHESION[group], absent)
    if kind in ("south", "consensus") and "USA" in votes and rng.random() < 0.6:
        votes["USA"] = "N" if kind == "south" else rng.choice("YN")
        if "ISR" in votes:
            votes["ISR"] = votes["USA"]
    return votes


def ukraine_votes(rng: random.Random, members: list[State]) -> dict[str, str]:
    lean = {"west": "Y", "east": "N", "south": "Y"}
    return {s.code: cast(rng, lean[bloc(s.code, 2022)] if bloc(s.code, 2022) != "south"
                         else rng.choice("YYYA"), 0.95, 0.06) for s in members}


def totals(votes: dict[str, str]) -> list[str]:
    """The five totals, written as the February 2026 files write them: '93.0'."""
    counts = [sum(1 for v in votes.values() if v == o) for o in "YNAX"]
    return [f"{c}.0" for c in counts] + [f"{len(votes)}.0"]


def ga_rows(rng: random.Random, scale: float, states: list[State]) -> list[list[str]]:
    rows: list[list[str]] = []
    undl = 100000
    ukraine = {date[:4]: [] for _, date, _ in UKRAINE_GA}
    for symbol, date, title in UKRAINE_GA:
        ukraine[date[:4]].append((symbol, date, title))
    for year in range(1946, 2025):
        members = [s for s in states if s.member_in(year)]
        per_year = max(1, round(scale * (25 + 70 * (year - 1946) / 78)))
        session = year - 1945
        for number in range(1, per_year + 1):
            undl += 1
            kind = rng.choices(list(STANCES), weights=[45, 25, 20, 10])[0]
            title = rng.choice(GA_TOPICS[kind])
            symbol = f"A/RES/{session}/{number}"
            date = f"{year}-{rng.randint(9, 12):02d}-{rng.randint(1, 28):02d}"
            rows += ga_block(undl, symbol, date, str(session), title,
                             ga_votes(rng, members, year, kind), states, SUBJECTS[kind])
        for number in range(per_year + 1, per_year + 1 + round(scale * WITHOUT_VOTE_PER_YEAR)):
            undl += 1  # adopted without a vote: every member's row, no vote and no totals
            rows += ga_block(undl, f"A/RES/{session}/{number}", f"{year}-12-{number % 28 + 1:02d}",
                             str(session), GA_TOPICS["consensus"][number % 5],
                             dict.fromkeys((s.code for s in members), ""), states,
                             SUBJECTS["consensus"], without_vote=True)
        if year == 2016 or (year > 2016 and scale >= 0.05):  # yearly Crimea resolution
            undl += 1
            votes = ukraine_votes(rng, members)
            rows += ga_block(undl, f"A/RES/{session}/205", f"{year}-12-19", str(session),
                             "Situation of human rights in the Autonomous Republic of Crimea and "
                             "the city of Sevastopol, Ukraine", votes, states, SUBJECTS["ukraine"])
        for symbol, date, title in ukraine.get(str(year), []):
            undl += 1
            votes = ukraine_votes(rng, members)
            votes["USA"], votes["RUS"] = "Y", "N"
            rows += ga_block(undl, symbol, date, "ES-11" if "ES-11" in symbol else str(session),
                             title, votes, states, SUBJECTS["ukraine"])
    extract = read_extract("ga_voting_2025-02-24.csv")  # the real votes of 24 February 2025
    rows += [[r.get(c) or ("Vote" if c == "modality" else "") for c in GA_COLUMNS]
             for r in extract]
    return rows


def ga_block(undl: int, symbol: str, date: str, session: str, title: str,
             votes: dict[str, str], states: list[State], subjects: str, *,
             without_vote: bool = False) -> list[list[str]]:
    names = {s.code: s.name for s in states}
    tally = [""] * 5 if without_vote else totals(votes)
    link = f"https://digitallibrary.un.org/record/{undl}"
    number = symbol.rsplit("/", 1)[-1]
    draft = symbol.replace("/RES/", "/").rsplit("/", 1)[0] + f"/L.{number}"
    drafts = f"{draft}|{draft}/Add.1" if number.isdigit() and int(number) % 4 == 0 else draft
    return [[str(undl), code, names[code], votes[code], date, session, symbol, drafts, "", "",
             f"{title} : resolution / adopted by the General Assembly", "", subjects, "",
             "Without Vote" if without_vote else "Vote", *tally, link]
            for code in sorted(votes)]


def sc_rows(rng: random.Random, scale: float, states: list[State]) -> list[list[str]]:
    rows: list[list[str]] = []
    undl, number = 500000, 0
    extract = read_extract("sc_voting_2025-02-24.csv")
    elected: list[str] = []
    for year in range(1946, 2025):
        permanent = ["CHN", "FRA", "GBR", "USA", "SUN" if year <= 1991 else "RUS"]
        seats = 6 if year < 1966 else 10
        pool = [s.code for s in states if s.member_in(year) and s.code not in permanent
                and s.code not in elected]
        half = seats // 2
        elected = elected[-half:] if len(elected) >= seats else elected
        elected = (elected + rng.sample(pool, seats - len(elected)))[-seats:]
        per_year = max(1, round(scale * (10 + 52 * (year - 1946) / 78)))
        for _ in range(per_year):
            number += 1
            undl += 1
            votes = {code: "Y" for code in permanent + elected}
            if rng.random() < 0.15:  # a contested text: some abstain, an elected member objects
                for code in rng.sample(permanent[:1] + permanent[4:] + elected, 3):
                    votes[code] = "A"
                if rng.random() < 0.3:
                    votes[rng.choice(elected)] = "N"
            if year == 1950:
                votes[permanent[4]] = "X"  # the Soviet boycott
            day = f"{year}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
            # Every row of the dataset is an adopted resolution, so it has the yes votes the
            # Charter asked for on its day: 7 until 30 August 1965, 9 from 31 August 1965 (when
            # the amended Article 27 came into force, months before the Council grew to 15).
            needed = 7 if day < "1965-08-31" else 9
            for code in sorted((c for c, option in votes.items() if option != "Y"),
                               key=lambda c: (votes[c] == "X", c)):  # a boycott stays one
                if sum(option == "Y" for option in votes.values()) >= needed:
                    break
                votes[code] = "Y"
            rows += sc_block(undl, f"S/RES/{number}({year})", day,
                             "[on the situation in a region]", votes, permanent, states)
        # S/RES/2623 (2022), adopted 11-1-3 over Russia's no: a procedural decision (Charter
        # Article 27(2), convening an emergency special session), which a permanent member's no
        # does not veto. shapes/rules.ttl reports it as a warning for a curator, not an error.
        if year == 2022:
            number += 1
            undl += 1
            votes = {code: "Y" for code in permanent + elected}
            votes.update({"RUS": "N", "CHN": "A", "IND": "A", "ARE": "A"})
            votes = {k: v for k, v in votes.items() if k in permanent + elected}
            rows += sc_block(undl, f"S/RES/{number}({year})", "2022-02-27",
                             "[on convening an emergency special session of the General Assembly"
                             " on Ukraine]", votes, permanent, states)
    rows += [[r.get(c) or ("Vote" if c == "modality" else "") for c in SC_COLUMNS]
             for r in extract]
    return rows


def sc_block(undl: int, symbol: str, date: str, topic: str, votes: dict[str, str],
             permanent: list[str], states: list[State]) -> list[list[str]]:
    names = {s.code: s.name for s in states}
    tally = totals(votes)
    link = f"https://digitallibrary.un.org/record/{undl}"
    return [[str(undl), code, names[code], "TRUE" if code in permanent else "FALSE", votes[code],
             date, symbol, "", "", f"Security Council resolution {symbol} {topic}", "",
             SUBJECTS["consensus"], "", "Vote", *tally, link] for code in sorted(votes)]


def spoil(rng: random.Random, rows: list[list[str]], count: int, vote_column: int) -> None:
    """Malformed rows for tests: a missing field, an unknown vote code, a repeated ballot."""
    for i in range(count):
        index = rng.randrange(len(rows))
        kind = i % 3
        if kind == 0:
            rows[index] = rows[index][:-1]
        elif kind == 1:
            rows[index] = list(rows[index])
            rows[index][vote_column] = "Q"
        else:
            rows.insert(index + 1, list(rows[index]))


def write(path: Path, header: list[str], rows: list[list[str]]) -> None:
    with path.open("w", encoding="utf-8-sig", newline="") as handle:  # a byte-order mark
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(rows)


@click.command()
@click.argument("out_dir", type=click.Path(file_okay=False, path_type=Path),
                default=Path("/tmp/unkg-history"))
@click.option("--scale", type=float, default=1.0, show_default=True,
              help="Fraction of the full history (1.0: ~5,000 GA and ~2,800 SC resolutions).")
@click.option("--seed", type=int, default=1945, show_default=True)
@click.option("--malformed", type=int, default=0, show_default=True,
              help="Malformed rows to inject into each file (for tests).")
def main(out_dir: Path, scale: float, seed: int, malformed: int) -> None:
    out_dir.mkdir(parents=True, exist_ok=True)
    rng = random.Random(seed)
    states = membership(rng)
    ga, sc = ga_rows(rng, scale, states), sc_rows(rng, scale, states)
    spoil(rng, ga, malformed, GA_COLUMNS.index("ms_vote"))
    spoil(rng, sc, malformed, SC_COLUMNS.index("ms_vote"))
    write(out_dir / "ga_voting.csv", GA_COLUMNS, ga)
    write(out_dir / "sc_voting.csv", SC_COLUMNS, sc)
    resolutions = len({r[6] for r in ga if len(r) > 6}), len({r[6] for r in sc if len(r) > 6})
    click.echo(f"{out_dir}: ga_voting.csv {len(ga)} rows ({resolutions[0]} resolutions), "
               f"sc_voting.csv {len(sc)} rows ({resolutions[1]} resolutions)", err=True)


if __name__ == "__main__":
    sys.exit(main())
