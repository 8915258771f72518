"""The pictures of an analysis: the alignment map, the agreement heatmaps and a roll-call chart.

Every picture has a plain-language title and subtitle, a legend, a source line and a fixed
size whatever the number of votes, and is written as PNG and SVG, byte-identical across runs
(no dates or versions in the metadata, a fixed salt for the SVG's ids). The words on a
picture come from the caller (kg.analysis.cli), which knows the votes; this module draws.
"""

import textwrap
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # no display; also the only backend whose PNG bytes we rely on

import matplotlib.pyplot as plt  # noqa: E402
import networkx as nx  # noqa: E402
import numpy as np  # noqa: E402
from matplotlib.patches import Patch  # noqa: E402

NO_BLOC = "#bbbbbb"
PALETTE = plt.get_cmap("tab10").colors
# Fixed sizes in inches at DPI: the number of votes or states never changes them.
DPI = 150
MAP_SIZE = (12.0, 10.0)
HEATMAP_SIZE = (14.0, 9.0)
ROLL_CALL_SIZE = (12.0, 6.0)
MAX_BLOCS_NAMED = 7  # legend lines for blocs; the rest are counted
SUBTITLE_WIDTH = 150  # characters per subtitle line at MAP_SIZE; scaled with the width
FORMATS = ("png", "svg")
METADATA = {"png": {"Software": None},  # matplotlib's version would change the bytes
            "svg": {"Date": None, "Creator": None}}
SVG_HASH_SALT = "unkg"  # the SVG's element ids are hashes salted by this, not by chance
# The states every picture points out, with the names readers know them by.
HIGHLIGHTED = {"USA": "United States", "RUS": "Russia", "UKR": "Ukraine"}
# The familiar vote-board colours, with counts written on the bars so colour is not the only cue.
OPTION_COLOURS = {"Yes": "#3a923a", "No": "#d62728", "Abstain": "#f2b600",
                  "Did not vote": "#d0d0d0"}
NO_SHARED_VOTE = "#9e9e9e"
ALWAYS_ALIKE = "#b2abd2"  # kappa undefined: the pair cast one and the same option every time


@dataclass(frozen=True)
class Words:
    """What a picture says: title, subtitle (wrapped to the figure) and source line."""

    title: str
    subtitle: str
    source: str


def bloc_colour(bloc: int | None) -> tuple[float, ...] | str:
    return PALETTE[(bloc - 1) % len(PALETTE)] if bloc else NO_BLOC


def profile_layout(states: list[str], profiles: list[tuple[int, ...]],
                   centres: np.ndarray) -> dict[str, tuple[float, float]]:
    """States that voted identically share a centre; pack each such group in a sunflower
    (golden-angle spiral) around it, in ISO3 order, so every label stays readable. A small
    group whose centre falls inside a larger one's sunflower joins its spiral, after it."""
    span = float(np.ptp(centres, axis=0).max()) or 1.0
    step = span / 45  # the spacing of neighbours inside a group, relative to the whole map
    groups: dict[tuple[int, ...], list[int]] = {}
    for index in sorted(range(len(states)), key=lambda i: states[i]):
        groups.setdefault(profiles[index], []).append(index)
    packed: list[tuple[np.ndarray, list[int]]] = []
    for members in sorted(groups.values(), key=lambda m: (-len(m), states[m[0]])):
        centre = centres[members[0]]
        for home, placed in packed:
            if np.hypot(*(centre - home)) < step * (np.sqrt(len(placed)) + 1.5):
                placed.extend(members)
                break
        else:
            packed.append((centre, list(members)))
    position = {}
    for centre, members in packed:
        for rank, index in enumerate(members):
            radius, angle = step * np.sqrt(rank + 0.3), rank * np.pi * (3 - np.sqrt(5))
            position[states[index]] = (float(centre[0] + radius * np.cos(angle)),
                                       float(centre[1] + radius * np.sin(angle)))
    return position


def draw_network(graph: nx.Graph, bloc_of: dict[str, int], bloc_labels: Sequence[str],
                 centres: np.ndarray, profiles: list[tuple[int, ...]], words: Words,
                 axis_words: tuple[str, str], legend_title: str, path: Path) -> list[Path]:
    """States at their first two principal components (x: ideal point), identical voters packed
    together; colour = bloc (legend: `bloc_labels`, bloc 1 first), label = ISO3, the states of
    HIGHLIGHTED ringed and named; lines join groups of identical voters that cast the same
    vote at least half the time (when there are few enough groups to tell them apart).
    `axis_words`: what the left and the right of the map mean. Returns the files written."""
    nodes = sorted(graph)
    position = profile_layout(nodes, profiles, centres)
    figure = _figure(MAP_SIZE, words)
    axes = figure.add_axes((0.03, 0.235, 0.94, 0.595))
    first_of: dict[tuple[int, ...], str] = {}
    for node, profile in zip(nodes, profiles, strict=True):
        first_of.setdefault(profile, node)
    leaders = sorted(first_of.values())
    draw_lines = False  # becomes True when a line is drawn; beyond 40 groups lines hide states
    if len(leaders) <= 40:
        for k, u in enumerate(leaders):
            for v in leaders[k + 1:]:
                weight = graph.edges[u, v]["weight"] if graph.has_edge(u, v) else 0.0
                if weight >= 0.5:
                    draw_lines = True
                    axes.plot(*zip(position[u], position[v], strict=True), color="#999999",
                              linewidth=0.4 + 1.6 * weight, alpha=0.1 + 0.25 * weight,
                              zorder=0)
    nx.draw_networkx_nodes(graph, position, nodelist=nodes, ax=axes, node_size=190,
                           node_color=[bloc_colour(bloc_of.get(n)) for n in nodes],
                           edgecolors="white", linewidths=0.4)
    marked = [n for n in nodes if n in HIGHLIGHTED]
    nx.draw_networkx_nodes(graph, position, nodelist=marked, ax=axes, node_size=330,
                           node_color=[bloc_colour(bloc_of.get(n)) for n in marked],
                           edgecolors="black", linewidths=2.0)
    nx.draw_networkx_labels(graph, position, labels={n: n for n in nodes}, ax=axes,
                            font_size=5, font_family="DejaVu Sans")
    spread = np.ptp(np.array(list(position.values())), axis=0)
    spread[spread == 0] = 1.0
    for iso3 in marked:
        x, y = position[iso3]
        # Name the state on the side away from its nearest neighbours, so no dot is hidden.
        here = np.array([x, y])
        others = np.array([position[n] for n in nodes if n != iso3]) - here
        nearest = others[np.argsort(np.hypot(*(others / spread).T))[:8]]
        away = -(nearest / spread).mean(axis=0)
        away = away / np.hypot(*away) if np.hypot(*away) > 0 else np.array([0.0, 1.0])
        # The text grows away from the neighbours too: anchored on its side nearest the dot.
        ha = "left" if away[0] > 0.3 else "right" if away[0] < -0.3 else "center"
        va = "bottom" if away[1] > 0.3 else "top" if away[1] < -0.3 else "center"
        axes.annotate(HIGHLIGHTED[iso3], (x, y), xytext=tuple(12 * away),
                      textcoords="offset points", ha=ha, va=va, fontsize=11,
                      fontweight="bold",
                      bbox={"boxstyle": "round,pad=0.2", "fc": "white", "ec": "none",
                            "alpha": 0.7})
    axes.margins(0.04)
    _limit_stretch(axes, figure)
    axes.set_xticks([])
    axes.set_yticks([])
    for side in ("top", "right", "left"):
        axes.spines[side].set_visible(False)
    # Two texts at the two ends, not one padded with spaces (an SVG viewer collapses spaces).
    axes.text(0.0, -0.015, f"\u2190 {axis_words[0]}", transform=axes.transAxes, ha="left",
              va="top", fontsize=10)
    axes.text(1.0, -0.015, f"{axis_words[1]} \u2192", transform=axes.transAxes, ha="right",
              va="top", fontsize=10)
    shown = bloc_labels[:MAX_BLOCS_NAMED]
    handles = [plt.Line2D([], [], marker="o", linestyle="", markersize=9,
                          color=bloc_colour(number), label=label)
               for number, label in enumerate(shown, start=1)]
    if len(bloc_labels) > len(shown):
        rest = len(bloc_labels) - len(shown)
        handles.append(plt.Line2D([], [], linestyle="", label=f"and {rest} smaller bloc"
                                  f"{'s' if rest > 1 else ''} (colours repeat)"))
    figure.legend(handles=handles, loc="upper left", bbox_to_anchor=(0.03, 0.2),
                  fontsize=9, frameon=False, title=legend_title, title_fontsize=9,
                  alignment="left")
    keys = [plt.Line2D([], [], marker="o", linestyle="", markersize=10,
                       markerfacecolor="white", markeredgecolor="black", markeredgewidth=2,
                       label=_and([HIGHLIGHTED[n] for n in HIGHLIGHTED if n in marked]))
            ] if marked else []
    if len(bloc_of) < len(nodes):
        keys.append(plt.Line2D([], [], marker="o", linestyle="", markersize=9, color=NO_BLOC,
                               label="took part in no vote (row below)"))
    if draw_lines:
        keys.append(plt.Line2D([], [], color="#999999", linewidth=1.5,
                               label="groups that voted alike at least half the time"))
    if keys:  # where it hides the fewest states (matplotlib's "best" is deterministic)
        axes.legend(handles=keys, loc="best", fontsize=9, framealpha=0.9, edgecolor="none")
    return _save(figure, path)


def draw_heatmaps(agreement: np.ndarray, kappa: np.ndarray, order: list[int],
                  blocs: list[int | None], bloc_labels: Sequence[str], states: Sequence[str],
                  words: Words, path: Path) -> list[Path]:
    """Two matrices side by side, rows and columns in `order` (by bloc), bloc edges ruled:
    the plain share of votes cast alike, and Cohen's kappa. Bloc names label the rows; the
    states of HIGHLIGHTED are named on the top edge. Returns the files written."""
    figure = _figure(HEATMAP_SIZE, words)
    ordered_blocs = [blocs[i] for i in order]
    edges = [k for k in range(1, len(order)) if ordered_blocs[k] != ordered_blocs[k - 1]]
    always_alike = np.isnan(kappa) & ~np.isnan(agreement)  # shared votes, kappa undefined
    panels = (
        ("Share of shared votes cast alike", agreement, plt.get_cmap("RdYlBu"), 0.0, 1.0,
         "0 = never alike, 1 = always alike"),
        ("Agreement beyond chance (Cohen's kappa)", kappa, plt.get_cmap("RdBu"), -1.0, 1.0,
         "0 = no more than chance, 1 = always alike, below 0 = less than chance"),
    )
    for number, (heading, values, cmap, low, high, scale) in enumerate(panels):
        axes = figure.add_axes((0.15 + number * 0.43, 0.23, 0.36, 0.52))
        shown = values[np.ix_(order, order)]
        axes.imshow(np.ma.masked_invalid(shown), cmap=cmap.with_extremes(bad=NO_SHARED_VOTE),
                    vmin=low, vmax=high, interpolation="nearest", aspect="auto")
        if number == 1:  # kappa undefined for pairs that always cast the same option
            alike = np.ma.masked_where(~always_alike[np.ix_(order, order)],
                                       np.ones(shown.shape))
            axes.imshow(alike, cmap=matplotlib.colors.ListedColormap([ALWAYS_ALIKE]),
                        interpolation="nearest", aspect="auto")
        for k in edges:
            axes.axhline(k - 0.5, color="black", linewidth=0.6)
            axes.axvline(k - 0.5, color="black", linewidth=0.6)
        bounds = [0, *edges, len(order)]
        middles = [(a + b - 1) / 2 for a, b in zip(bounds, bounds[1:], strict=False)]
        names = [bloc_labels[ordered_blocs[a] - 1] if ordered_blocs[a] else
                 "took part in no vote" for a in bounds[:-1]]
        if number == 0:
            axes.set_yticks(middles, [textwrap.fill(n, 22) for n in names], fontsize=8)
        else:
            axes.set_yticks([])
        marked = [(k, HIGHLIGHTED[states[i]]) for k, i in enumerate(order)
                  if states[i] in HIGHLIGHTED]
        axes.xaxis.tick_top()
        axes.set_xticks([k for k, _ in marked], [name for _, name in marked], fontsize=8,
                        rotation=55, ha="left")
        colourbar = figure.colorbar(axes.images[0], ax=axes, orientation="horizontal",
                                    fraction=0.05, pad=0.04, aspect=40)
        colourbar.set_label(f"{heading}\n{scale}", fontsize=10)
    legend = [Patch(color=NO_SHARED_VOTE, label="no vote in common"),
              Patch(color=ALWAYS_ALIKE, label="both cast one and the same option on every "
                    "shared vote: kappa cannot be computed")]
    figure.legend(handles=legend, loc="lower left", bbox_to_anchor=(0.03, 0.055), ncols=2,
                  fontsize=9, frameon=False)
    return _save(figure, path)


def draw_roll_call(regions: Sequence[str], counts: dict[str, Sequence[int]], words: Words,
                   path: Path) -> list[Path]:
    """One horizontal bar per region (top first), split by option (`counts`: option -> one
    count per region, in OPTION_COLOURS order), each count written on its segment."""
    figure = _figure(ROLL_CALL_SIZE, words)
    axes = figure.add_axes((0.12, 0.2, 0.84, 0.5))
    rows = np.arange(len(regions))
    left = np.zeros(len(regions))
    for option, colour in OPTION_COLOURS.items():
        values = np.asarray(counts[option], dtype=float)
        bars = axes.barh(rows, values, left=left, color=colour, edgecolor="white",
                         linewidth=0.8, label=option, height=0.7)
        axes.bar_label(bars, labels=[str(int(v)) if v else "" for v in values],
                       label_type="center", fontsize=9,
                       color="white" if option in ("Yes", "No") else "black")
        left += values
    axes.set_yticks(rows, regions, fontsize=10)
    axes.invert_yaxis()
    axes.set_xlim(0, max(float(left.max()), 1.0))
    axes.xaxis.set_major_locator(matplotlib.ticker.MaxNLocator(integer=True))
    axes.set_xlabel("Member States", fontsize=9)
    for side in ("top", "right"):
        axes.spines[side].set_visible(False)
    figure.legend(loc="upper left", bbox_to_anchor=(0.12, 0.115), ncols=len(OPTION_COLOURS),
                  fontsize=9, frameon=False)
    return _save(figure, path)


def _and(names: list[str]) -> str:
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"


def _limit_stretch(axes: plt.Axes, figure: plt.Figure, most: float = 2.0) -> None:
    """Widen the x or y limits so that one data unit is never more than `most` times longer
    on one axis than on the other: the packed groups stay round enough to read, while the
    map still fills a wide frame."""
    (x0, x1), (y0, y1) = axes.get_xlim(), axes.get_ylim()
    box = axes.get_position()
    width, height = box.width * figure.get_figwidth(), box.height * figure.get_figheight()
    x_scale, y_scale = width / (x1 - x0), height / (y1 - y0)  # inches per data unit
    if y_scale > most * x_scale:
        grow = (height / (most * x_scale) - (y1 - y0)) / 2
        axes.set_ylim(y0 - grow, y1 + grow)
    elif x_scale > most * y_scale:
        grow = (width / (most * y_scale) - (x1 - x0)) / 2
        axes.set_xlim(x0 - grow, x1 + grow)


def _figure(size: tuple[float, float], words: Words) -> plt.Figure:
    """A figure of the fixed `size` with the title, the wrapped subtitle and the source line."""
    figure = plt.figure(figsize=size, dpi=DPI)
    figure.text(0.03, 0.975, words.title, fontsize=16, fontweight="bold", va="top",
                gid="title")
    width = int(SUBTITLE_WIDTH * size[0] / MAP_SIZE[0])
    figure.text(0.03, 0.975 - 0.45 / size[1], textwrap.fill(words.subtitle, width),
                fontsize=10, va="top", color="#333333", linespacing=1.4, gid="subtitle")
    figure.text(0.03, 0.012, textwrap.fill(words.source, int(width * 1.15)), fontsize=8,
                va="bottom", color="#555555", gid="source")
    return figure


def _save(figure: plt.Figure, path: Path) -> list[Path]:
    """`path` with each suffix of FORMATS; a fixed size (no tight bounding box)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    written = []
    # SVG text stays text (searchable, editable by a newsroom's designer), not glyph paths.
    with matplotlib.rc_context({"svg.hashsalt": SVG_HASH_SALT, "svg.fonttype": "none"}):
        for kind in FORMATS:
            target = path.with_suffix(f".{kind}")
            figure.savefig(target, format=kind, metadata=METADATA[kind])
            written.append(target)
    plt.close(figure)
    return written
