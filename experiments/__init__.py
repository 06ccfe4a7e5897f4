"""Studies: one module per experiment; each builds its arms, runs them and writes
tables and figures into a run directory.

``STUDIES`` maps a study's name (``configs/experiment/NAME.yaml``,
``experiment.name``) to its :class:`~experiments.study.Study`: the run
function, the question it answers, its settings schema (a subclass of
:class:`simulator.runs.config.ExperimentConfig`) and the config groups it
reads. Adding a study: its module (with a ``STUDY`` entry), its YAML
overlay, and one line below.
"""

from experiments import (
    cascades_from_data,
    charity_appeal,
    contest,
    influence_project,
    influentials,
    klout_vs_action,
    peerindex_perks,
    quickstart,
    referral_rewards,
    seeding_comparison,
    six_factors,
    viral_coefficient,
)
from experiments.study import Study

__all__ = ["STUDIES", "Study"]

STUDIES: dict[str, Study] = {
    study.name: study
    for study in (
        quickstart.STUDY,
        seeding_comparison.STUDY,
        peerindex_perks.STUDY,
        influentials.STUDY,
        viral_coefficient.STUDY,
        cascades_from_data.STUDY,
        contest.STUDY,
        influence_project.STUDY,
        referral_rewards.STUDY,
        six_factors.STUDY,
        klout_vs_action.STUDY,
        charity_appeal.STUDY,
    )
}
