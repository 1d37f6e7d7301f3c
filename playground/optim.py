"""The optimizer lab's update rules, schedules and their metadata, as the playground uses them.

The playground has no update rule of its own: ``build_optimizer`` / ``make_schedule`` and the
registries come from ``optimizers`` so both pages apply exactly the same equations, defaults and
ranges. Inside the training program the optimizer acts on one flat float32 parameter vector
(element-wise rules, so this is the same as acting on every W and b); the schedule's ``t``
counts updates (= epochs with full batch).
"""

from __future__ import annotations

from optimizers import OPTIMIZERS, SCHEDULES, build_optimizer, make_schedule

__all__ = ["OPTIMIZERS", "SCHEDULES", "build_optimizer", "make_schedule"]
