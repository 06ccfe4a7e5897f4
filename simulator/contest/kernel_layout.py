"""What the contest kernel's tables mean: their columns, action codes and flag bits.

The compiled kernel (:mod:`simulator.contest.kernel`) reads the node factor
table by :data:`NODE_COLUMNS`, writes events by :data:`EVENT_COLUMNS`
(actions coded by position in :data:`ACTIONS`, hidden state in the bits of
:data:`FLAGS`) and per-link totals by :data:`LINK_COLUMNS`. The integer
names below them (``BANDWIDTH``, ``CLICK``, ``GENUINE``, ``T_CLICKS``, ...)
are the same positions and bits, for the compiled code.

Examples
--------
>>> ACTIONS[CLICK], LINK_COLUMNS[T_CLICKS], FLAGS["genuine"] == GENUINE
('click', 'clicks', True)
>>> EVENT_ROW_BYTES
72
"""

from __future__ import annotations

__all__ = [
    "ACTIONS",
    "EVENT_COLUMNS",
    "EVENT_ROW_BYTES",
    "FLAGS",
    "LINK_COLUMNS",
    "NODE_COLUMNS",
    "NO_CAP",
]

#: Columns of the node factor table.
NODE_COLUMNS = (
    "bandwidth",
    "activity",
    "credibility",
    "relevance",
    "reciprocity",
    "owed",
    "trust",
    "budget",
)
BANDWIDTH, ACTIVITY, CREDIBILITY, RELEVANCE, RECIPROCITY, OWED, TRUST, BUDGET = range(8)
#: Contest event actions (codes are positions).
ACTIONS = ("post", "impression", "click", "share", "convert", "unfollow", "report")
POST, IMPRESSION, CLICK, SHARE, CONVERT, UNFOLLOW, REPORT = range(7)
#: Columns of the event table.
EVENT_COLUMNS = (
    "replicate",
    "node",
    "parent",
    "step",
    "action",
    "link",
    "arc",
    "flags",
    "mentions",
)
#: Bits of the ``flags`` column (hidden state: never in the public record).
FLAGS = {
    "deceptive": 1,
    "pressure": 2,
    "genuine": 4,
    "fake": 8,
    "planned": 16,
    "stranger": 32,
    "spammed": 64,
}
DECEPTIVE, PRESSURE, GENUINE, FAKE, PLANNED, STRANGER, SPAMMED = (1, 2, 4, 8, 16, 32, 64)
#: Per-link totals of one replicate.
LINK_COLUMNS = (
    "posts",
    "reach",
    "impressions",
    "spam_impressions",
    "crowded_out",
    "clicks",
    "fake_clicks",
    "planned_clicks",
    "deceived_clicks",
    "shares",
    "conversions",
    "genuine_shares",
    "genuine_conversions",
    "unfollows",
    "reports",
    "trust_lost",
)
(
    T_POSTS,
    T_REACH,
    T_IMPS,
    T_SPAM,
    T_CROWDED,
    T_CLICKS,
    T_FAKE,
    T_PLANNED,
    T_DECEIVED,
    T_SHARES,
    T_CONV,
    T_GSHARES,
    T_GCONV,
    T_UNFOLLOWS,
    T_REPORTS,
    T_TRUST,
) = range(len(LINK_COLUMNS))
# decisions drawn per impression
DELIVER, TIMING, ATTEND, CLICKED, SHARED, CONVERTED, REPORTED = range(7)
# bits of the (person, link) state
V_SHARED, V_CONVERTED, V_TAINTED = 1, 2, 4
_PRIORITY = 2**31

#: Slots of the kernel's counter array ``cnt``: rows written, the memory guard's row
#: cap (:func:`~simulator.errors.event_row_cap`) and the rows wanted when a write
#: would pass it (then 0 is never written again: the run stops at the step's end).
N_ROWS, ROW_CAP, WANTED = 0, 1, 2
#: Bytes of one event row (nine int64 columns), for the memory guard.
EVENT_ROW_BYTES = 8 * len(EVENT_COLUMNS)
#: ``row_cap`` for no cap (totals-only runs keep no events).
NO_CAP = 2**62
