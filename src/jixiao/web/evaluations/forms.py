"""Forms of the evaluation pages (new evaluation, workflow actions)."""

from __future__ import annotations

from django import forms

from jixiao import rulesets

START_CHOICES = [("blank", "空白表（按评分规则）"), ("previous", "沿用上一年度的自评"), ("upload", "导入文件（报告或自评表）")]


def ruleset_choices() -> list[tuple[str, str]]:
    return [(r.id, f"{r.title}（{r.year}）") for r in rulesets.available()]


class NewEvaluationForm(forms.Form):
    start = forms.ChoiceField(label="从哪里开始", choices=START_CHOICES, widget=forms.RadioSelect, initial="blank")
    kind = forms.ChoiceField(label="类型", choices=[("department", "部门整体支出绩效自评"), ("project", "项目支出绩效自评")],
                             required=False)
    year = forms.IntegerField(label="评价年度", min_value=2000, max_value=2100, required=False)
    ruleset = forms.ChoiceField(label="评分规则", required=False)
    project = forms.CharField(label="项目名称（项目支出）", max_length=200, required=False)
    previous = forms.TypedChoiceField(label="上一年度的自评", coerce=int, required=False, empty_value=None)
    file = forms.FileField(label="文件（.docx、.xlsx、.pdf、文本、YAML/JSON）", required=False)

    def __init__(self, *args, previous_choices: list[tuple[int, str]] = (), **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["ruleset"].choices = ruleset_choices()
        self.fields["previous"].choices = [("", "—")] + list(previous_choices)

    def clean(self) -> dict:
        data = super().clean()
        start = data.get("start")
        if start == "blank":
            for name in ("kind", "year", "ruleset"):
                if not data.get(name):
                    self.add_error(name, "从空白表开始须填写此项")
            if data.get("kind") == "project" and not (data.get("project") or "").strip():
                self.add_error("project", "项目支出自评须填写项目名称")
        elif start == "previous":
            if not data.get("previous"):
                self.add_error("previous", "请选择上一年度的自评")
            if not data.get("year"):
                self.add_error("year", "请填写新的评价年度")
        elif start == "upload" and not data.get("file"):
            self.add_error("file", "请选择要导入的文件")
        return data
