"""The standard vocabulary of the self-evaluation forms, as readers match it.

Every entry is a *key* (see :func:`jixiao.readers.base.key`: width-normalised,
without spaces, brackets and punctuation). The lists hold the wording of the
national forms (财预〔2020〕10号 附件) and the variants provinces and cities use;
a new variant is one more word here, not a code change.
"""

from __future__ import annotations

# Column roles of the indicator table (绩效指标表 / 自评表).
INDICATOR_COLUMNS: dict[str, tuple[str, ...]] = {
    "L1": ("一级指标",),
    "L2": ("二级指标",),
    "L3": ("三级指标", "指标名称", "绩效指标", "具体指标", "三级指标名称"),
    "TARGET": ("年度指标值", "指标值", "目标值", "年度目标值", "预期指标值", "计划值", "绩效目标值", "预期目标值",
               "标准值", "年初目标值", "全年指标值", "预期值", "年度目标"),
    "UNIT": ("度量单位", "计量单位", "单位"),
    "ACTUAL": ("实际完成值", "全年实际值", "实际值", "完成值", "实际完成情况", "年度实际完成值", "全年实际完成值",
               "实际完成", "执行情况", "完成情况", "实际完成数"),
    "WEIGHT": ("分值", "权重", "权重分值", "指标分值", "标准分值", "满分", "权重分", "分数"),
    "SCORE": ("得分", "自评得分", "实际得分", "评分", "评价得分", "自评分"),
    "DEVIATION": ("偏差原因分析及改进措施", "未完成原因分析", "偏差原因", "原因分析", "偏差原因分析",
                  "未完成原因分析及改进措施", "偏差原因及改进措施", "未完成原因和改进措施", "偏差原因分析及整改措施",
                  "未完成原因", "备注"),
    "DESCRIPTION": ("指标说明", "指标解释", "指标内涵", "评分标准", "指标定义", "评分依据", "计算公式"),
    "COMPARATOR": ("指标方向", "指标性质", "符号", "比较符"),
}

# Column roles of the budget table (预算情况 / 项目资金).
BUDGET_COLUMNS: dict[str, tuple[str, ...]] = {
    "INITIAL": ("年初预算数", "年初预算", "年初数", "年初批复数", "年初预算金额"),
    "ADJUSTED": ("全年预算数", "调整预算数", "调整后预算数", "全年预算", "调整后预算", "全年批复数", "预算调整后数",
                 "预算数"),  # a form whose only budget column is 预算数(A) means the adjusted budget (its notes say so)
    "EXECUTED": ("预算执行数", "全年执行数", "执行数", "实际执行数", "实际支出数", "决算数", "实际支出"),
    "RATE": ("执行率", "预算执行率", "资金执行率"),
    "WEIGHT": ("分值", "资金执行分值", "权重", "预算执行分值"),
    "SCORE": ("得分", "资金执行得分", "预算执行得分"),
}

# Column roles of the task table (年度主要任务).
TASK_COLUMNS: dict[str, tuple[str, ...]] = {
    "NAME": ("任务名称", "任务", "工作任务"),
    "CONTENT": ("主要内容", "任务内容", "内容", "主要工作内容"),
    "BUDGET": ("预算资金", "预算数", "预算金额", "年初预算数", "全年预算数", "预算", "预算资金总额"),
    "FISCAL": ("其中财政资金", "财政资金", "其中财政拨款", "财政拨款", "其中财政性资金"),
    "STATUS": ("任务完成情况", "完成情况"),
    "EXECUTED": ("预算执行数", "执行数", "实际执行数", "执行金额", "实际支出"),
    "RATE": ("预算执行率", "执行率"),
}

# Column roles of the category table (各项指标得分情况表).
CATEGORY_COLUMNS: dict[str, tuple[str, ...]] = {
    "NAME": ("指标", "一级指标", "项目", "指标名称", "类别", "评价指标"),
    "WEIGHT": ("权重分值", "权重", "分值", "标准分", "满分"),
    "SCORE": ("得分", "自评得分", "实际得分"),
    "RATE": ("得分率",),
}

# Labels of the form's key-value cells, by document field.
LABELS: dict[str, tuple[str, ...]] = {
    "unit": ("部门单位名称", "部门名称", "单位名称", "预算单位名称", "预算部门名称", "部门单位", "预算单位"),
    "project.name": ("项目名称",),
    "project.department": ("主管部门及代码", "主管部门", "主管部门名称", "主管单位", "主管部门及编码"),
    "project.implementer": ("实施单位", "项目实施单位", "执行单位", "实施单位名称"),
    "reported.total": ("自评得分", "总得分", "自评总分", "综合得分", "评价得分", "自评分数", "自评分值", "总分",
                       "自评总得分", "合计得分"),
    "reported.grade": ("自评结果", "评价等级", "自评等级", "绩效等级", "评价结果", "自评等次", "等级"),
    "goals.target": ("年度履职目标", "年度绩效目标", "年度总体目标", "总体目标", "年度目标", "绩效目标",
                     "部门年度目标", "年度预期目标"),
    "goals.actual": ("年度履职目标完成情况", "目标实际完成情况", "实际完成情况", "年度总体目标完成情况",
                     "总体目标完成情况", "年度目标完成情况", "全年实际完成情况", "年度绩效目标完成情况",
                     "目标完成情况"),
    "ruleset": ("评分规则", "适用评分规则", "评分规则集"),
    "ignore": ("填表人及联系方式", "填表人", "联系方式", "联系电话", "总分值", "说明", "填报日期", "填报单位",
               "单位负责人", "财务负责人", "审核人"),
}

# Figures beyond the official forms (the 补充数据 sheet Jixiao writes, or such a key-value table of any
# workbook): path → (labels, kind) with kind money (万元), percent or count.
FIGURE_LABELS: dict[str, tuple[tuple[str, ...], str]] = {
    "budget.three_public.budget": (("三公经费预算安排数", "三公经费预算数", "三公经费年初预算"), "money"),
    "budget.three_public.actual": (("三公经费实际支出", "三公经费支出数"), "money"),
    "budget.three_public.rate": (("三公经费控制率",), "percent"),
    "budget.procurement.budget": (("政府采购预算数",), "money"),
    "budget.procurement.actual": (("实际政府采购金额", "政府采购实际金额"), "money"),
    "budget.procurement.rate": (("政府采购执行率",), "percent"),
    "budget.carryover": (("结转结余总额", "结转结余资金"), "money"),
    "budget.carryover_rate": (("结转结余率",), "percent"),
    "budget.adjustment_rate": (("预算调整率",), "percent"),
    "budget.adjustment_excluded": (("不计入预算调整率的调整数", "政策性调整数"), "money"),
    "budget.special_funds.detailed": (("已细化到具体单位的资金数", "已细化资金数"), "money"),
    "budget.special_funds.total": (("部门参与分配资金总数", "参与分配资金总数"), "money"),
    "budget.special_funds.rate": (("专项资金细化率",), "percent"),
    "performance_management.projects": (("部门项目总数",), "count"),
    "performance_management.monitored": (("已完成绩效监控项目数",), "count"),
    "performance_management.self_evaluated": (("已完成自评项目数",), "count"),
    "performance_management.key_evaluations": (("部门重点绩效评价项目数",), "count"),
    "performance_management.key_evaluated": (("已完成评价项目数",), "count"),
    "performance_management.suggestions": (("提出的意见建议总数",), "count"),
    "performance_management.suggestions_adopted": (("采纳的意见建议数",), "count"),
    "budget.explanation": (("预算执行及调整情况说明", "偏差原因说明"), "text"),
}
LABELS.update({path: words for path, (words, _) in FIGURE_LABELS.items()})

# Lines of the budget table, by document path.
BUDGET_LINES: dict[str, tuple[str, ...]] = {
    "budget": ("部门预算总额", "部门整体支出总额", "整体支出总额", "年度财政资金总额", "年度资金总额", "资金总额", "预算总额", "项目资金总额", "部门预算", "年度预算总额",
               "预算资金总额", "合计", "总计"),
    "budget.by_source.fiscal": ("财政性资金", "财政拨款", "本年财政拨款", "财政资金", "一般公共预算",
                                "一般公共预算资金", "财政拨款收入", "当年财政拨款"),
    "budget.by_source.other": ("其他资金", "其它资金", "其他收入", "其他来源资金", "自有资金"),
    "budget.by_structure.basic": ("基本支出",),
    "budget.by_structure.project": ("项目支出",),
}

# Words of a first-level indicator (一级指标), to tell a category from a leaf.
CATEGORIES = ("产出指标", "效益指标", "满意度指标", "投入管理指标", "投入和管理目标", "投入指标", "过程指标", "成本指标",
              "决策", "过程", "产出", "效益", "效果指标", "管理指标", "投入", "决策指标", "投入管理", "效果")

QUALITATIVE = ("合理", "健全", "完整", "规范", "合规", "有效", "可控", "提高", "提升", "真实", "公开", "相关", "科学",
               "明确", "达标", "及时", "完成", "良好", "满意", "显著", "持续", "降低", "减少", "增加", "改善", "稳定",
               "正常", "到位", "充分", "准确", "合格", "较好", "好", "是", "否", "优", "良", "中", "差", "适用")

UNITS = ("%", "‰", "人", "人次", "个", "次", "场", "场次", "册", "份", "元", "万元", "亿元", "天", "日", "年", "月",
         "家", "项", "户", "件", "篇", "期", "台", "套", "辆", "平方米", "㎡", "m2", "公里", "千米", "米", "吨", "分",
         "小时", "座", "所", "处", "条", "本", "张", "批", "定性指标", "定性", "定量", "定量指标", "是/否", "个数",
         "人数", "次数", "万人", "万人次", "亩", "公顷", "间", "栋", "km", "%及以上")

STATUSES = ("完成", "已完成", "未完成", "部分完成", "正在进行", "进行中", "基本完成", "持续推进", "全部完成", "未开展")

# A row whose first cell says one of these ends a table (signatures, dates).
TABLE_END = ("盖章", "签字", "填表人", "联系电话", "审核人", "填报日期", "单位负责人")

# Suffixes of a report title, longest first, for a unit name taken from the title.
TITLE_SUFFIXES = ("部门整体支出绩效自评报告", "部门整体绩效自评报告", "整体支出绩效自评报告", "部门整体支出绩效评价报告",
                  "部门整体绩效评价报告", "项目支出绩效自评报告", "项目绩效自评报告", "项目绩效评价报告",
                  "预算项目绩效评价报告", "绩效自评报告", "绩效评价报告", "自评报告")

PROVINCES = ("北京市", "天津市", "上海市", "重庆市", "河北省", "山西省", "辽宁省", "吉林省", "黑龙江省", "江苏省",
             "浙江省", "安徽省", "福建省", "江西省", "山东省", "河南省", "湖北省", "湖南省", "广东省", "海南省",
             "四川省", "贵州省", "云南省", "陕西省", "甘肃省", "青海省", "台湾省", "内蒙古自治区",
             "广西壮族自治区", "西藏自治区", "宁夏回族自治区", "新疆维吾尔自治区", "香港特别行政区", "澳门特别行政区")
