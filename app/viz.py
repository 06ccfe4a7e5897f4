"""The SolaraViz page: controls, Reset / Step / Play, the network picture and live charts.

``Page`` is what ``solara run app.viz:Page`` serves (``campaign-sim-app`` or
``python -m app`` start it). Each browser session gets its own model
(``solara.use_memo`` inside ``Page``), so two sessions never step the same
model; Mesa's Reset builds a new :class:`~app.model.ViewModel` from the
controls.

Components (Mesa redraws them after each step, via its update counter):

- ``NetworkPicture``: the sampled network coloured by agent state, seeds ringed;
- ``FunnelChart``: reach, impressions, clicks, shares and conversions per step;
- ``AmountChart``: the amount given per step;
- ``TieSplit``: clicks, shares, conversions and amount over strong vs weak ties.
"""

from __future__ import annotations

import solara
from mesa.visualization import SolaraViz

from app.model import NETWORKS, SEEDING, SPLIT, ViewModel
from app.picture import draw_funnel, draw_network

__all__ = ["MODEL_PARAMS", "Page", "components"]

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
    """The view's components, all on Mesa's page 0."""
    return [(NetworkPicture, 0), (FunnelChart, 0), (AmountChart, 0), (TieSplit, 0)]


@solara.component
def Page():
    """One session's view: its own model, Mesa's controls and the components."""
    defaults = {name: spec["value"] for name, spec in MODEL_PARAMS.items()}
    model = solara.use_memo(lambda: ViewModel(**defaults), [])
    return SolaraViz(
        model,
        components=components(),
        model_params=MODEL_PARAMS,
        name="Campaign simulator",
        play_interval=150,
    )
