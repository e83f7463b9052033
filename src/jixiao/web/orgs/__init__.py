"""Organisations and people: finance bureau (财政局) → departments (主管部门) → units (预算单位) → projects."""
