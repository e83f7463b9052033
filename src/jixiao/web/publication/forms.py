"""Forms of the results pages: the bureau's follow-up, the unit's rectification report, the bureau's verdict."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms

from .models import Funding, Verdict
from .services import ItemLine, parse_items

NEEDS_FIGURE = (Funding.INCREASE, Funding.REDUCE)


class FollowUpForm(forms.Form):
    """结果应用: next year's funding with an amount or a percentage where it applies, reasons, rectification."""

    funding = forms.ChoiceField(label="下年度预算安排", choices=Funding.choices, widget=forms.RadioSelect)
    amount = forms.DecimalField(label="金额（万元）", required=False, min_value=Decimal("0.01"),
                                max_digits=18, decimal_places=6)
    percent = forms.DecimalField(label="比例（%）", required=False, min_value=Decimal("0.01"),
                                 max_value=Decimal("1000"), max_digits=7, decimal_places=2)
    adjust_policy = forms.BooleanField(label="调整政策或改进管理", required=False)
    reasons = forms.CharField(label="理由", widget=forms.Textarea(attrs={"rows": 4}), max_length=4000)
    rectification_required = forms.BooleanField(label="要求单位整改", required=False)
    deadline = forms.DateField(label="整改期限", required=False,
                               widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    items = forms.CharField(label="整改事项（每行一项，格式：事项名称：整改要求）", required=False,
                            widget=forms.Textarea(attrs={"rows": 6}), max_length=20000)

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        funding = data.get("funding")
        amount, percent = data.get("amount"), data.get("percent")
        typed = "amount" not in self.errors and "percent" not in self.errors  # a typo is reported as such
        if funding in NEEDS_FIGURE and amount is None and percent is None and typed:
            self.add_error("amount", f"“{Funding(funding).label}”须填写金额（万元）或比例（%）")
        if funding == Funding.REDUCE and percent is not None and percent > 100:
            self.add_error("percent", "调减比例不能超过100%；全部取消请选“取消”")
        if funding in (Funding.KEEP, Funding.CANCEL) and (amount is not None or percent is not None):
            self.add_error("amount", f"“{Funding(funding).label}”不填金额或比例；调整资金请选“增加”或“调减”")
        lines, problems = parse_items(data.get("items") or "")
        for p in problems:
            self.add_error("items", p)
        if data.get("rectification_required"):
            if not data.get("deadline"):
                self.add_error("deadline", "要求整改须写明整改期限")
            if not lines and not problems:
                self.add_error("items", "要求整改须列出至少一项整改事项")
        data["item_lines"] = lines
        return data

    def item_lines(self) -> list[ItemLine]:
        return self.cleaned_data["item_lines"]


class RectifyForm(forms.Form):
    """整改情况: what the unit did, when, and optionally a file."""

    text = forms.CharField(label="整改情况", widget=forms.Textarea(attrs={"rows": 3}), max_length=4000)
    done_on = forms.DateField(label="完成日期", widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    file = forms.FileField(label="附件（可选，不超过 20 MB）", required=False)


class VerdictForm(forms.Form):
    verdict = forms.ChoiceField(label="意见", choices=Verdict.choices, widget=forms.RadioSelect)
    note = forms.CharField(label="说明", required=False, max_length=2000)
