"""A titled table of strings (plain text or markdown) and the number formats of its cells.

Examples
--------
>>> t = Table("Rates", ["model", "replicates/s"], [["IC", per_s(2.5e6)], ["funnel", num(812.34)]])
>>> print(t.text())
Rates
model  | replicates/s
-------+-------------
IC     |        2.50M
funnel |          812
>>> pm(0.12345, 0.0042), status(0.4, 1 / 3, below=False)
('0.1235 ± 0.0042', 'met')
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

__all__ = ["Table", "num", "per_s", "pm", "status"]


@dataclass
class Table:
    """A titled table of strings with notes below it.

    Examples
    --------
    >>> print(Table("T", ["a", "bb"], [["1", "2"]]).text())
    T
    a | bb
    --+---
    1 |  2
    """

    title: str
    headers: list[str]
    rows: list[list[str]]
    notes: list[str] = field(default_factory=list)

    def text(self) -> str:
        widths = [
            max(len(r[i]) for r in [self.headers, *self.rows]) for i in range(len(self.headers))
        ]

        def line(cells):
            first = [cells[0].ljust(widths[0])]
            return " | ".join(
                first + [c.rjust(w) for c, w in zip(cells[1:], widths[1:], strict=True)]
            )

        out = [self.title, line(self.headers), "-+-".join("-" * w for w in widths)]
        out += [line(r) for r in self.rows]
        out += [f"  * {n}" for n in self.notes]
        return "\n".join(out).rstrip()

    def markdown(self) -> str:
        out = [
            f"### {self.title}",
            "",
            "| " + " | ".join(self.headers) + " |",
            "|" + "|".join([":---"] + ["---:"] * (len(self.headers) - 1)) + "|",
        ]
        out += ["| " + " | ".join(r) + " |" for r in self.rows]
        if self.notes:
            out += [""] + [f"- {n}" for n in self.notes]
        return "\n".join(out)


# ------------------------------------------------------------------ formatting
def num(x: float, digits: int = 3) -> str:
    """Round to ``digits`` significant figures, with thousands separators."""
    if x is None or (isinstance(x, float) and not math.isfinite(x)):
        return "-"
    if x == 0:
        return "0"
    mag = int(math.floor(math.log10(abs(x))))
    decimals = max(0, digits - 1 - mag)
    return f"{x:,.{decimals}f}"


def per_s(x: float) -> str:
    """A rate per second, in millions from 10^6 up."""
    return f"{num(x / 1e6)}M" if x >= 1e6 else num(x)


def pm(mean: float, se: float) -> str:
    return f"{num(mean, 4)} ± {num(se, 2)}"


def status(value, goal: float, below: bool) -> str:
    if value is None:
        return "not measured"
    ok = value < goal if below else value >= goal
    return "met" if ok else "NOT met"
