"""Studies: one module per experiment; each builds its arms, runs them and writes
tables and figures into a run directory. ``STUDIES`` maps the name used in
``configs/experiment/NAME.yaml`` (``experiment.name``) to the study's ``run``.
"""

from experiments import quickstart

STUDIES = {
    "quickstart": quickstart.run,
}
