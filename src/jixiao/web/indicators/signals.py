"""The library follows the workflow: a Transition into 已通过 adds the evaluation's indicators, one out of it
removes them; an evaluation deleted while counted is taken out first (its uses would go with it, but the
entries' counts would not)."""

from __future__ import annotations

from typing import Any

from ..evaluations.models import Evaluation, Status, Transition
from . import library
from .models import Use


def transition_saved(sender: type, instance: Transition, created: bool, raw: bool = False, **kwargs: Any) -> None:
    """Runs inside the transaction of the move: the library changes with the approval or not at all."""
    if created and not raw and Status.APPROVED in (instance.to_status, instance.from_status):
        library.on_transition(instance.evaluation_id, instance.from_status, instance.to_status)


def evaluation_deleting(sender: type, instance: Evaluation, **kwargs: Any) -> None:
    if Use.objects.filter(evaluation_id=instance.pk).exists():
        library.remove(instance.pk)


def connect() -> None:
    from django.db.models.signals import post_save, pre_delete

    post_save.connect(transition_saved, sender=Transition, dispatch_uid="indicators.transition_saved")
    pre_delete.connect(evaluation_deleting, sender=Evaluation, dispatch_uid="indicators.evaluation_deleting")
