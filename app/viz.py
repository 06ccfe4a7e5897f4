"""The SolaraViz page: controls, Reset / Step / Play, the network picture and live charts.

``Page`` is what ``solara run app.viz:Page`` serves (``campaign-sim-app`` or
``python -m app`` start it). Its *Mode* control (top of the sidebar) picks
one of two views, each a SolaraViz with its own model, controls and
components: ``campaign`` (:class:`~app.model.ViewModel`, the default) or
``contest`` (:class:`~app.contest.ContestViewModel`). Each browser session
gets its own model (``solara.use_memo`` inside the view), so two sessions
never step the same model; Mesa's Reset builds a new model from the
controls; switching the mode starts the other view afresh.

Campaign components (Mesa redraws them after each step, via its update counter):

- ``NetworkPicture``: the sampled network coloured by agent state, seeds ringed;
- ``FunnelChart``: reach, impressions, clicks, shares and conversions per step;
- ``AmountChart``: the amount given per step;
- ``TieSplit``: clicks, shares, conversions and amount over strong vs weak ties.

Contest components:

- ``ContestPicture``: the crowd coloured by state, honest players ringed, gamers as
  magenta diamonds;
- ``ContestClicks``: clicks (and those by fake accounts), reshares, conversions;
- ``ContestCuts``: unfollows and spam reports (the audience turning away);
- ``Leaderboard``: the top players under the scoring rule chosen in its own
  control (every rule of the registry; a change applies at once, no Reset),
  computed from the public record up to the current step, strategies shown.
"""

from __future__ import annotations

import solara
from mesa.visualization import SolaraViz

from app.contest import DEFAULT_GAMERS, PLACEMENTS, ContestViewModel, leaderboard_html
from app.model import NETWORKS, SEEDING, SPLIT, ViewModel
from app.picture import draw_contest, draw_funnel, draw_network
from simulator.contest.scoring import RULES

__all__ = [
    "CONTEST_PARAMS",
    "MODEL_PARAMS",
    "MODES",
    "Page",
    "components",
    "contest_components",
]

#: The controls (Mesa's user-parameter dicts) and their defaults.
MODEL_PARAMS = {
    "network": {"type": "Select", "value": "barabasi_albert", "values": list(NETWORKS),
                "label": "Network"},
    "n": {"type": "SliderInt", "value": 500, "min": 50, "max": 5000, "step": 50,
          "label": "Agents"},
    "appeal": {"type": "SliderFloat", "value": 0.5, "min": 0.0, "max": 1.0, "step": 0.05,
               "label": "Appeal"},
    "trust": {"type": "SliderFloat", "value": 0.7, "min": 0.0, "max": 1.0, "step": 0.05,
              "label": "Mean trust"},
    "tie_strength": {"type": "SliderFloat", "value": 0.5, "min": 0.0, "max": 1.0,
                     "step": 0.05, "label": "Mean tie strength"},
    "seeding": {"type": "Select", "value": "top_degree", "values": list(SEEDING),
                "label": "Seeding strategy"},
    "k": {"type": "SliderInt", "value": 10, "min": 1, "max": 50, "step": 1, "label": "Seeds"},
    "steps": {"type": "SliderInt", "value": 48, "min": 4, "max": 96, "step": 4,
              "label": "Campaign steps"},
    "seed": {"type": "SliderInt", "value": 1, "min": 0, "max": 99, "step": 1,
             "label": "Root seed"},
}  # fmt: skip

#: The contest's controls (Mesa's user-parameter dicts) and their defaults: a
#: follower graph with the big accounts as players, as in the Influence Project.
CONTEST_PARAMS = {
    "network": {"type": "Select", "value": "follower", "values": list(NETWORKS),
                "label": "Network"},
    "n": {"type": "SliderInt", "value": 500, "min": 100, "max": 3000, "step": 50,
          "label": "People"},
    "players": {"type": "SliderInt", "value": 20, "min": 5, "max": 100, "step": 5,
                "label": "Players"},
    "gamers": {"type": "SliderFloat", "value": DEFAULT_GAMERS, "min": 0.0, "max": 1.0,
               "step": 0.05, "label": "Share of gamers"},
    "appeal": {"type": "SliderFloat", "value": 0.6, "min": 0.0, "max": 1.0, "step": 0.05,
               "label": "Appeal"},
    "placement": {"type": "Select", "value": "followers", "values": list(PLACEMENTS),
                  "label": "Placement"},
    "trust": {"type": "SliderFloat", "value": 0.7, "min": 0.0, "max": 1.0, "step": 0.05,
              "label": "Mean trust"},
    "seed": {"type": "SliderInt", "value": 1, "min": 0, "max": 99, "step": 1,
             "label": "Root seed"},
}  # fmt: skip
#: The two views the Mode control switches between.
MODES = ("campaign", "contest")
#: The rule the leaderboard starts with: the 2010 contest's own.
FIRST_RULE = "naive_clicks"

FUNNEL = ("reach", "impressions", "clicks", "shares", "conversions")


def _frame(model):
    return model.datacollector.get_model_vars_dataframe()


def NetworkPicture(model):
    """The sampled network coloured by state (unaware, exposed, clicked, shared, converted)."""
    fig = draw_network(model)
    with solara.Card("Network", classes=["campaign-network"]):
        solara.FigureMatplotlib(fig, format="png", dpi=90)


def FunnelChart(model):
    """Reach, impressions, clicks, shares and conversions after each step."""
    fig = draw_funnel(_frame(model), FUNNEL, "funnel totals")
    with solara.Card("Funnel", classes=["campaign-funnel"]):
        solara.FigureMatplotlib(fig, format="png", dpi=90)


def AmountChart(model):
    """The amount given (donated or bought) after each step."""
    fig = draw_funnel(_frame(model), ("amount",), "amount given")
    with solara.Card("Amount", classes=["campaign-amount"]):
        solara.FigureMatplotlib(fig, format="png", dpi=90)


def tie_split_html(model) -> str:
    """The strong-vs-weak table as HTML (no Markdown: Solara's Markdown loads KaTeX,
    which ``solara-assets`` does not ship, so it would be fetched from the internet)."""
    head = "<tr><th></th><th>strong</th><th>weak</th><th>strong share</th></tr>"
    rows = []
    for name in SPLIT:
        strong, weak = model.tie_split[name]["strong"], model.tie_split[name]["weak"]
        total = strong + weak
        share = f"{strong / total:.0%}" if total else "-"
        fmt = "{:.0f}" if name == "amount" else "{}"
        rows.append(
            f"<tr><th>{name}</th><td>{fmt.format(strong)}</td><td>{fmt.format(weak)}</td>"
            f"<td>{share}</td></tr>"
        )
    return (
        '<table class="campaign-ties-table" style="width:100%;text-align:right">'
        f"<thead>{head}</thead><tbody>{''.join(rows)}</tbody></table>"
    )


def TieSplit(model):
    """Clicks, shares, conversions and amount that travelled strong vs weak ties."""
    with solara.Card("Strong vs weak ties", classes=["campaign-ties"]):
        solara.HTML(tag="div", unsafe_innerHTML=tie_split_html(model))
        solara.Text(
            f"strong tie: strength >= {model.strong_threshold:g}; "
            f"{model.network_kind}, {model.seeding} seeding, {model.seeds.size} seeds"
        )


def components():
    """The campaign view's components, all on Mesa's page 0."""
    return [(NetworkPicture, 0), (FunnelChart, 0), (AmountChart, 0), (TieSplit, 0)]


def ContestPicture(model):
    """The crowd coloured by state; honest players ringed, gamers as diamonds."""
    fig = draw_contest(model)
    with solara.Card("Contest", classes=["contest-network"]):
        solara.FigureMatplotlib(fig, format="png", dpi=90)


def ContestClicks(model):
    """Clicks (all, and by fake accounts), reshares and conversions after each step."""
    fig = draw_funnel(
        _frame(model), ("clicks", "fake_clicks", "reshares", "conversions"), "contest totals"
    )
    with solara.Card("Clicks and conversions", classes=["contest-clicks"]):
        solara.FigureMatplotlib(fig, format="png", dpi=90)


def ContestCuts(model):
    """Unfollows and spam reports after each step: the audience turning away."""
    fig = draw_funnel(_frame(model), ("unfollows", "reports"), "unfollows and spam reports")
    with solara.Card("Audience turning away", classes=["contest-cuts"]):
        solara.FigureMatplotlib(fig, format="png", dpi=90)


def contest_components(rule: solara.Reactive):
    """The contest view's components; the leaderboard reads and sets ``rule``."""

    def Leaderboard(model):
        """The top players under the chosen rule, on the public record so far."""
        with solara.Card("Leaderboard", classes=["contest-leaderboard"]):
            solara.Select("Scoring rule", value=rule, values=list(RULES))
            solara.HTML(tag="div", unsafe_innerHTML=leaderboard_html(model, rule.value))
            gamers = int(model.gamer.sum())
            solara.Text(
                f"public record of steps 0-{model.steps - 1}; {gamers} of "
                f"{model.players.size} players game (\u25c6); the rule sees no strategy"
                if model.steps
                else f"before step 0; {gamers} of {model.players.size} players game (\u25c6)"
            )

    return [(ContestPicture, 0), (ContestClicks, 0), (ContestCuts, 0), (Leaderboard, 0)]


def _defaults(params: dict) -> dict:
    return {name: spec["value"] for name, spec in params.items()}


@solara.component
def CampaignView():
    """One session's campaign view: its own model, Mesa's controls and the components."""
    model = solara.use_memo(lambda: ViewModel(**_defaults(MODEL_PARAMS)), [])
    return SolaraViz(
        model,
        components=components(),
        model_params=MODEL_PARAMS,
        name="Campaign simulator",
        play_interval=150,
    )


@solara.component
def ContestView():
    """One session's contest view: its own contest, controls, components and rule."""
    model = solara.use_memo(lambda: ContestViewModel(**_defaults(CONTEST_PARAMS)), [])
    rule = solara.use_reactive(FIRST_RULE)
    return SolaraViz(
        model,
        components=contest_components(rule),
        model_params=CONTEST_PARAMS,
        name="Influence contest",
        play_interval=150,
    )


@solara.component
def Page():
    """The Mode control, then the chosen view."""
    mode = solara.use_reactive(MODES[0])
    with solara.Sidebar():
        with solara.Card("Mode", classes=["view-mode"]):
            solara.Select("Mode", value=mode, values=list(MODES))
    if mode.value == "contest":
        ContestView()
    else:
        CampaignView()
