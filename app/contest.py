"""The contest mode of the browser view: :class:`~simulator.contest.mesa_contest.ContestModel`
built from the view's controls, and its leaderboard.

:class:`ContestViewModel` builds the network and the population as the
campaign view does (:mod:`app.model`), sets the contest up from the controls
(network, people, players, share of gamers, appeal, placement, root seed),
runs it once and reveals it step by step. The players start the spread, so
the picture treats them as a campaign's seeds (``model.seeds``).
:func:`leaderboard_html` is the leaderboard panel: the top players under a
scoring rule of :data:`~simulator.contest.scoring.RULES`, on the public
record up to the current step, with each player's strategy.

Examples
--------
>>> model = ContestViewModel(n=300, players=10, seed=2)
>>> for _ in range(12):
...     model.step()
>>> model.seeds.tolist() == model.players.tolist(), int(model.gamer.sum())
(True, 2)
>>> "<table" in leaderboard_html(model, "naive_clicks")
True
>>> gamer_mix(0.2) == DEFAULT_MIX
True
"""

from __future__ import annotations

import html

from app.model import build_world
from simulator.contest.mesa_contest import ContestModel
from simulator.contest.settings import DEFAULT_MIX, PLACEMENTS, ContestSettings
from simulator.contest.strategies import STRATEGIES

__all__ = ["ContestViewModel", "PLACEMENTS", "TOP", "gamer_mix", "leaderboard_html"]

#: Rows of the leaderboard.
TOP = 10
#: Share of gamers in :data:`~simulator.contest.settings.DEFAULT_MIX`.
DEFAULT_GAMERS = sum(v for k, v in DEFAULT_MIX.items() if not STRATEGIES[k].honest)


def gamer_mix(gamers: float) -> dict[str, float]:
    """The default mix with a share ``gamers`` of gamers.

    Gamers (strategies not declared honest) and honest players each keep
    their proportions of :data:`~simulator.contest.settings.DEFAULT_MIX`
    (gamers split evenly; honest players 5 plain to 3 keen reposters); only
    the share of gamers moves.

    Examples
    --------
    >>> mix = gamer_mix(0.5)
    >>> round(mix["spammer"], 12), mix["honest"], round(sum(mix.values()), 12)
    (0.1, 0.3125, 1.0)
    """
    if not 0.0 <= gamers <= 1.0:
        raise ValueError(f"gamers must be a share in [0, 1], got {gamers!r}")
    honest_total = 1.0 - DEFAULT_GAMERS
    mix = {}
    for name, share in DEFAULT_MIX.items():
        if STRATEGIES[name].honest:
            mix[name] = share * (1.0 - gamers) / honest_total
        else:
            mix[name] = share * gamers / DEFAULT_GAMERS
    return mix


class ContestViewModel(ContestModel):
    """A :class:`~simulator.contest.mesa_contest.ContestModel` built from the view's controls.

    Parameters
    ----------
    network : str
        A key of :data:`app.model.NETWORKS`, built with that schema's defaults and ``n``.
    n : int
        Number of people.
    players : int
        Number of players (personal links).
    gamers : float in [0, 1]
        Share of players who game the contest (:func:`gamer_mix`).
    appeal : float
        The campaign's appeal (other contest settings keep their defaults).
    placement : str
        ``"followers"`` (people with an audience enter; the Influence
        Project's big accounts) or ``"random"``.
    trust : float in [0, 1]
        Mean trust of the population (as in the campaign view).
    seed : int
        Root seed of every random stream.
    """

    def __init__(
        self,
        network: str = "follower",
        n: int = 500,
        players: int = 20,
        gamers: float = DEFAULT_GAMERS,
        appeal: float = 0.6,
        placement: str = "followers",
        trust: float = 0.7,
        seed: int = 1,
    ):
        seed = int(seed)
        net, population = build_world(network, n, trust, seed)
        settings = ContestSettings(
            players=int(players),
            mix=gamer_mix(float(gamers)),
            placement=placement,
            appeal=float(appeal),
        )
        super().__init__(settings=settings, network=net, population=population, seed=seed)
        self.network_kind = network
        #: The players: they start the spread, as a campaign's seeds (the picture rings them).
        self.seeds = self.players


def leaderboard_html(model: ContestModel, rule: str, top: int = TOP) -> str:
    """The ``top`` players under ``rule`` on the record so far, as an HTML table.

    Gamers' rows are marked (a diamond and a tinted row), as in the picture.
    No Markdown: Solara's Markdown loads KaTeX from the internet.
    """
    table = model.standings(rule).head(top)
    head = (
        "<tr><th>#</th><th>link</th><th>account</th><th>strategy</th>"
        f"<th>{html.escape(rule)}</th></tr>"
    )
    rows = []
    for row in table.itertuples(index=False):
        mark = "&#9670; " if row.gamer else ""
        style = ' style="background:#fbe3f1"' if row.gamer else ""
        css = "gamer" if row.gamer else "honest"
        rows.append(
            f'<tr class="{css}"{style}><td>{row.rank}</td><td>{row.link}</td>'
            f"<td>{row.account}</td><td>{mark}{html.escape(row.strategy)}</td>"
            f"<td>{row.score:.4g}</td></tr>"
        )
    return (
        '<table class="contest-leaderboard-table" style="width:100%;text-align:right">'
        f"<thead>{head}</thead><tbody>{''.join(rows)}</tbody></table>"
    )
