"""The alignment network and the agreement heatmap as PNG files, byte-identical across runs."""

from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # no display; also the only backend whose PNG bytes we rely on

import matplotlib.pyplot as plt  # noqa: E402
import networkx as nx  # noqa: E402
import numpy as np  # noqa: E402

NO_BLOC = "#bbbbbb"
PALETTE = plt.get_cmap("tab10").colors
PNG_METADATA = {"Software": None}  # matplotlib's version would change the bytes


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


def draw_network(graph: nx.Graph, bloc_of: dict[str, int], centres: np.ndarray,
                 profiles: list[tuple[int, ...]], title: str, path: Path) -> None:
    """States at their first two principal components (x: ideal point), identical voters packed
    together; node colour = bloc, label = ISO3; lines join groups of identical voters that
    agree on at least half their shared votes."""
    nodes = sorted(graph)
    position = profile_layout(nodes, profiles, centres)
    figure, axes = plt.subplots(figsize=(16, 13), dpi=100)
    # One line per pair of voting groups that agree on at least half their shared votes.
    first_of: dict[tuple[int, ...], str] = {}
    for node, profile in zip(nodes, profiles, strict=True):
        first_of.setdefault(profile, node)
    leaders = sorted(first_of.values())
    for k, u in enumerate(leaders):
        for v in leaders[k + 1:]:
            weight = graph.edges[u, v]["weight"] if graph.has_edge(u, v) else 0.0
            if weight >= 0.5:
                axes.plot(*zip(position[u], position[v], strict=True), color="#888888",
                          linewidth=0.5 + 2.5 * weight, alpha=0.15 + 0.35 * weight, zorder=0)
    nx.draw_networkx_nodes(graph, position, nodelist=nodes, ax=axes, node_size=330,
                           node_color=[bloc_colour(bloc_of.get(n)) for n in nodes],
                           edgecolors="white", linewidths=0.5)
    nx.draw_networkx_labels(graph, position, labels={n: n for n in nodes}, ax=axes,
                            font_size=6, font_family="DejaVu Sans")
    blocs = sorted(set(bloc_of.values()))
    handles = [plt.Line2D([], [], marker="o", linestyle="", color=bloc_colour(b),
                          label=f"bloc {b} ({sum(1 for v in bloc_of.values() if v == b)} states)")
               for b in blocs]
    if len(bloc_of) < len(nodes):
        handles.append(plt.Line2D([], [], marker="o", linestyle="", color=NO_BLOC,
                                  label="took part in no vote"))
    handles.append(plt.Line2D([], [], color="#888888", label="groups agreeing on at least "
                              "half their shared votes"))
    axes.legend(handles=handles, loc="best", fontsize=10, frameon=False)
    axes.set_aspect("equal")  # spirals stay round, so neighbours keep their spacing
    axes.set_title(title, fontsize=12)
    axes.set_xlabel("ideal point (first principal component of the votes)")
    axes.set_ylabel("second principal component")
    for side in ("top", "right"):
        axes.spines[side].set_visible(False)
    _save(figure, path)


def draw_heatmap(agreement: np.ndarray, order: list[int], labels: list[str],
                 blocs: list[int | None], title: str, path: Path) -> None:
    """The agreement matrix with rows and columns in `order` (by bloc), bloc edges ruled."""
    matrix = agreement[np.ix_(order, order)]
    size = max(6.0, 0.085 * len(order) + 3)
    figure, axes = plt.subplots(figsize=(size, size * 0.92), dpi=100)
    cmap = plt.get_cmap("RdYlBu").with_extremes(bad="#dddddd")  # grey: no shared vote
    image = axes.imshow(np.ma.masked_invalid(matrix), cmap=cmap, vmin=0, vmax=1,
                        interpolation="nearest")
    ticks = np.arange(len(order))
    font = 5 if len(order) > 60 else 8
    axes.set_xticks(ticks, [labels[i] for i in order], rotation=90, fontsize=font)
    axes.set_yticks(ticks, [labels[i] for i in order], fontsize=font)
    ordered_blocs = [blocs[i] for i in order]
    for k in range(1, len(order)):
        if ordered_blocs[k] != ordered_blocs[k - 1]:
            axes.axhline(k - 0.5, color="black", linewidth=0.8)
            axes.axvline(k - 0.5, color="black", linewidth=0.8)
    for labels_of_axis in (axes.get_xticklabels(), axes.get_yticklabels()):
        for label, bloc in zip(labels_of_axis, ordered_blocs, strict=True):
            label.set_color(bloc_colour(bloc))  # the label's colour names the row's bloc
    colourbar = figure.colorbar(image, ax=axes, fraction=0.03, pad=0.02)
    colourbar.set_label("agreement: share of shared votes cast alike")
    axes.set_title(title, fontsize=12)
    _save(figure, path)


def _save(figure: plt.Figure, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    figure.savefig(path, format="png", metadata=PNG_METADATA, bbox_inches="tight")
    plt.close(figure)
