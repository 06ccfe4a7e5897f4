"""Studies: one module per experiment; each builds its arms, runs them and writes
tables and figures into a run directory.

``STUDIES`` maps the name used in ``configs/experiment/NAME.yaml``
(``experiment.name``) to the study's ``run(cfg, outdir) -> dict``;
``SCHEMAS`` maps it to the study's own settings, a subclass of
:class:`simulator.runs.config.ExperimentConfig` (studies without settings of
their own use the base class).
"""

from experiments import (
    cascades_from_data,
    influentials,
    peerindex_perks,
    quickstart,
    seeding_comparison,
    viral_coefficient,
)

STUDIES = {
    "quickstart": quickstart.run,
    "seeding_comparison": seeding_comparison.run,
    "peerindex_perks": peerindex_perks.run,
    "influentials": influentials.run,
    "viral_coefficient": viral_coefficient.run,
    "cascades_from_data": cascades_from_data.run,
}

SCHEMAS = {
    "seeding_comparison": seeding_comparison.SeedingComparisonConfig,
    "peerindex_perks": peerindex_perks.PerksConfig,
    "influentials": influentials.InfluentialsConfig,
    "viral_coefficient": viral_coefficient.ViralCoefficientConfig,
    "cascades_from_data": cascades_from_data.CascadesFromDataConfig,
}
