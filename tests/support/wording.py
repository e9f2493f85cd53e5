"""The JSON API's example domain (orders) in files where it does not belong.

The json_api use case ships an orders API as its example; every other use case has its
own example (deliveries, invoices, CSV imports, redirects), so the word "orders" in its
repo would tell Claude, through CLAUDE.md and the prompts, the wrong purpose.
"""

from __future__ import annotations

import re
from pathlib import Path

from tests.support.render import rendered_files

#: The domain's words: orders, orderId/order_id, ord_1 style ids, post-order fixtures, "an order".
ORDERS = re.compile(r"orders|order[-_ ]?id|\bord[-_]\d|post-order|\border\b", re.IGNORECASE)
#: "order" as in sequence, which stays.
ORDERING = re.compile(
    r"\b(in|this|the|that|same|key|member|workflow|any|its|listed|sorted|catalogue) order\b|\border (of|in which)\b",
    re.IGNORECASE,
)


def orders_wording(project: Path) -> list[str]:
    """``path:line: text`` for every line of ``project`` that speaks of orders."""
    found = []
    for path in rendered_files(project):
        text = path.read_text(errors="replace")
        for number, line in enumerate(text.splitlines(), start=1):
            if ORDERS.search(ORDERING.sub("", line)):
                found.append(f"{path.relative_to(project)}:{number}: {line.strip()[:160]}")
    return found
