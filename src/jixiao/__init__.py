"""Jixiao (绩效): budget performance self-evaluation (预算绩效自评).

The core is pure Python with no web framework: typed evaluation documents
(:mod:`jixiao.document`), value parsing (:mod:`jixiao.values`), common
indicators (:mod:`jixiao.common`), rule sets (:mod:`jixiao.rulesets`) and the
scoring engine (:mod:`jixiao.scoring`).
"""

__version__ = "0.1.0"
