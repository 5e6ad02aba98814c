"""What the facilitator has set for the screens: the language and the lesson step.

Shared by the facilitator page (which changes it) and the visitor screen (which follows it
through ``/api/state``). It holds no visitor data.
"""

from __future__ import annotations

import threading
from typing import Any

from flask import current_app, g

from dashboard.i18n import LANGUAGES
from dashboard.lesson import STEPS, LessonStep


class Display:
    """The display settings, safe to read and change from any request thread.

    Args:
        language: ``"en"`` or ``"sr"``, the language the screens start in.

    Raises:
        ValueError: an unsupported language.
    """

    def __init__(self, language: str = "en"):
        self._lock = threading.Lock()
        self._language = self._checked(language)
        self._step: int | None = None

    @property
    def language(self) -> str:
        """The language both screens show now."""
        return self._language

    def set_language(self, language: str) -> None:
        """Switch both screens to ``language``; raises ValueError for an unsupported one."""
        self._language = self._checked(language)

    @property
    def lesson_step(self) -> LessonStep | None:
        """The current lesson step, or ``None`` outside lesson mode."""
        step = self._step
        return None if step is None else STEPS[step]

    @property
    def lesson_number(self) -> int | None:
        """The current step counted from 1, or ``None`` outside lesson mode."""
        step = self._step
        return None if step is None else step + 1

    def lesson(self, action: str, step_key: str | None = None) -> LessonStep | None:
        """Move the lesson: ``start``, ``next``, ``back``, ``stop``, or ``goto`` ``step_key``.

        ``next`` on the last step stays there; ``back`` on the first stays there. Returns the
        step now shown (``None`` after ``stop``).

        Raises:
            ValueError: an unknown action or step.
        """
        with self._lock:
            if action == "start":
                self._step = 0
            elif action == "stop":
                self._step = None
            elif action == "next":
                self._step = 0 if self._step is None else min(self._step + 1, len(STEPS) - 1)
            elif action == "back":
                self._step = 0 if self._step is None else max(self._step - 1, 0)
            elif action == "goto":
                keys = [step.key for step in STEPS]
                if step_key not in keys:
                    raise ValueError("unknown lesson step")
                self._step = keys.index(step_key)
            else:
                raise ValueError("unknown lesson action")
            return None if self._step is None else STEPS[self._step]

    def json(self) -> dict[str, Any]:
        """The ``display`` part of ``/api/state``: language and lesson position."""
        step, number = self.lesson_step, self.lesson_number
        return {
            "language": self._language,
            "lesson": None if step is None else {
                "step": step.key, "focus": step.focus, "number": number, "count": len(STEPS),
            },
        }

    @staticmethod
    def _checked(language: str) -> str:
        if language not in LANGUAGES:
            raise ValueError(f"language must be one of {', '.join(LANGUAGES)}")
        return language


def display() -> Display:
    """The :class:`Display` of the running app."""
    return current_app.extensions["oko_display"]


def language() -> str:
    """The language of this request's page: its own choice if it made one, else the screens'."""
    return g.get("language") or display().language
