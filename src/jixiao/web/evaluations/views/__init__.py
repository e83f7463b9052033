"""Views, one module per feature: pages (lists, new, editor, versions), editing (JSON endpoints and files),
workflow (submit, return, approve, reopen, review page) and queue (the reviewers' list)."""
