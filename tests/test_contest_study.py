"""The contest study end to end at a small size, and its settings schema."""

import numpy as np
import pandas as pd
import pytest
from omegaconf import OmegaConf

from experiments.contest import ContestConfig, run
from simulator.runs.config import ConfigError, FollowerConfig, small_config, to_config


def small(**settings):
    exp = ContestConfig(players=40, replicates=4, true_replicates=20, **settings)
    return small_config(
        network=FollowerConfig(n=600, mean_following=10.0, n_celebrities=5), experiment=exp
    )


def test_study_writes_per_player_results(tmp_path):
    out = run(small(), tmp_path)
    rows = pd.read_parquet(tmp_path / "results.parquet")
    assert {"arm", "replicate", "seed", "reach", "strategy", "clicks", "conversions"} <= set(
        rows.columns
    )
    assert {"genuine_actions", "true_influence", "player", "link"} <= set(rows.columns)
    assert len(rows) == 40 * 4
    summary = pd.read_csv(tmp_path / "summary.csv")
    assert set(summary["metric"]) >= {"clicks", "true_influence", "reference_tau"}
    assert (tmp_path / "contest.png").exists() and (tmp_path / "players.csv").exists()
    # true influence is one number per player, the same in every replicate
    assert rows.groupby("link")["true_influence"].nunique().max() == 1
    assert out["text"]


def test_study_is_reproducible(tmp_path):
    run(small(figures=False), tmp_path / "a")
    run(small(figures=False), tmp_path / "b")
    a = pd.read_parquet(tmp_path / "a" / "results.parquet")
    b = pd.read_parquet(tmp_path / "b" / "results.parquet")
    pd.testing.assert_frame_equal(a, b)


@pytest.mark.parametrize(
    "key, value, message",
    [
        ("mix", {"honest": 0.5}, "experiment.mix must sum to 1, got 0.5"),
        ("mix", {"honest": 0.5, "troll": 0.5}, "experiment.mix: unknown strategy 'troll'"),
        ("true_replicates", 1, "experiment.true_replicates must be an integer >= 2"),
        ("players", 0, "experiment.players must be a positive integer"),
    ],
)
def test_bad_settings_are_one_line_errors_naming_the_key(key, value, message):
    cfg = OmegaConf.structured(small())
    cfg.experiment[key] = value
    with pytest.raises(ConfigError) as err:
        to_config(cfg)
    assert str(err.value).startswith(message) and "\n" not in str(err.value)


def test_more_players_than_people(tmp_path):
    cfg = small()
    cfg.experiment.players = 601
    with pytest.raises(ValueError, match=r"^players = 601 exceeds the 600 people"):
        run(cfg, tmp_path)


def test_settings_round_trip():
    exp = ContestConfig(players=7, params={"spammer": {"interval": 3}})
    settings = exp.settings()
    assert settings.players == 7 and settings.strategy("spammer").interval == 3
    assert np.isclose(sum(settings.mix.values()), 1.0)


def test_saved_events_include_the_cascade_log_with_links(tmp_path):
    run(small(figures=False, save_events=True), tmp_path)
    log = pd.read_parquet(tmp_path / "cascade_log.parquet")
    events = pd.read_parquet(tmp_path / "events.parquet")
    assert {"replicate", "node", "parent", "step", "action", "link"} <= set(log.columns)
    assert log["link"].between(0, 39).all()
    from simulator.contest.kernel_layout import ACTIONS

    # per link, the log's clicks are the events' clicks of that link
    clicks = log[log["action"] == "click"].groupby("link").size()
    raw = events[events["action"] == ACTIONS.index("click")].groupby("link").size()
    assert clicks.sum() > 0 and clicks.equals(raw.rename_axis(clicks.index.name))
