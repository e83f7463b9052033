"""The dashboards' objects for the isolation test (tests/web/test_access.py).

The bureau-wide pages and exports have no object of a unit: they count only the person's own bureau
(tests/web/test_dashboards.py checks that another bureau's figures never appear). The drill-down and its
export name a department: the target's department must be refused to every intruder (403 for unit people,
404 for another bureau's reviewers and administrators).
"""

from __future__ import annotations


def isolation_objects(world, record) -> dict:  # noqa: ANN001
    return {"route:dashboard_export": {"table": f"department-{record.department_id}", "fmt": "csv"}}
