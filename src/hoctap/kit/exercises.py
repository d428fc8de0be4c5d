"""What trainees use in the training notebooks: questions they answer by clicking or typing.

A trainee's choice is saved, as they click, in ``cau-tra-loi.json`` beside the notebook. nbgrader
submits that file with the notebook and autograding re-runs the notebook with it, so the answer
reaches the hidden tests without the trainee writing any Python. Running the notebook again
shows the saved answers.

In a module's source notebook, "### BEGIN ANSWER KEY" regions set the model answers so that
``nbgrader validate`` passes; hoctap removes those regions from what trainees receive.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from hoctap.errors import FeedbackError
from hoctap.kit.sms import sms_size

ANSWERS_FILE = "cau-tra-loi.json"


class AnswerStore:
    """The trainee's answers of one module folder, in a small JSON file."""

    def __init__(self, path: Path | None = None) -> None:
        self.path = path or Path.cwd() / ANSWERS_FILE

    def load(self) -> dict[str, Any]:
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}
        return data if isinstance(data, dict) else {}

    def get(self, key: str) -> Any:
        return self.load().get(key)

    def put(self, key: str, value: Any) -> None:
        """Save one answer at once (write a new file, then rename: never half-written)."""
        data = self.load()
        data[key] = value
        handle, tmp = tempfile.mkstemp(dir=self.path.parent, prefix=".cau-tra-loi-")
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            json.dump(data, out, ensure_ascii=False, indent=1)
        os.replace(tmp, self.path)


def _display(widget: Any) -> None:
    from IPython.display import display

    display(widget)  # type: ignore[no-untyped-call]


def _set_quietly(widget: Any, value: Any, handler: Callable[[dict[str, Any]], None]) -> None:
    """Change a widget's value without its save handler: a model answer must never be saved,
    or release would ship it and autograding would copy it over every trainee's answers."""
    widget.unobserve(handler, names="value")
    try:
        widget.value = value
    finally:
        widget.observe(handler, names="value")


class Choice:
    """A multiple-choice question: radio buttons, one answer, saved when clicked."""

    def __init__(self, key: str, question: str, options: Sequence[str], store: AnswerStore):
        import ipywidgets as widgets

        self.key = key
        self.options = list(options)
        self._store = store
        saved = store.get(key)
        self._value: int | None = (
            saved if isinstance(saved, int) and 0 <= saved < len(options) else None
        )
        self._buttons = widgets.RadioButtons(
            options=[(text, i) for i, text in enumerate(self.options)],
            value=self._value,
            layout=widgets.Layout(width="auto"),
        )
        self._status = widgets.HTML(self._status_text())
        self._buttons.observe(self._on_click, names="value")
        title = widgets.HTML(f"<b>{_escape(question)}</b>")
        self.widget = widgets.VBox([title, self._buttons, self._status])

    def _status_text(self) -> str:
        if self._value is None:
            return "<i>Chưa chọn đáp án.</i>"
        return f"<i>Đã lưu lựa chọn: {_escape(self.options[self._value])}</i>"

    def _on_click(self, change: dict[str, Any]) -> None:
        value = change.get("new")
        if isinstance(value, int) and 0 <= value < len(self.options):
            self._value = value
            self._store.put(self.key, value)
            self._status.value = self._status_text()

    @property
    def value(self) -> int | None:
        """Index of the chosen option, or None."""
        return self._value

    @property
    def text(self) -> str | None:
        """The chosen option's text, or None."""
        return None if self._value is None else self.options[self._value]

    def select(self, index: int) -> None:
        """Set the answer (the source notebook's answer key uses this; nothing is saved)."""
        self._value = index
        _set_quietly(self._buttons, index, self._on_click)


class TextAnswer:
    """A text the trainee types (a news lead, an SMS, a post): saved when they leave the box."""

    def __init__(
        self,
        key: str,
        prompt: str,
        store: AnswerStore,
        rows: int = 6,
        counter: Callable[[str], str] | None = None,
    ) -> None:
        import ipywidgets as widgets

        self.key = key
        self._store = store
        saved = store.get(key)
        self._text = saved if isinstance(saved, str) else ""
        self._counter = counter
        self._box = widgets.Textarea(
            value=self._text,
            placeholder="Gõ câu trả lời vào đây, rồi bấm ra ngoài ô để lưu.",
            rows=rows,
            continuous_update=False,
            layout=widgets.Layout(width="100%"),
        )
        self._status = widgets.HTML(self._status_text())
        self._box.observe(self._on_change, names="value")
        self.widget = widgets.VBox(
            [widgets.HTML(f"<b>{_escape(prompt)}</b>"), self._box, self._status]
        )

    def _status_text(self) -> str:
        note = "Đã lưu." if self._text.strip() else "Chưa có câu trả lời."
        if self._counter is not None and self._text:
            note += " " + self._counter(self._text)
        return f"<i>{_escape(note)}</i>"

    def _on_change(self, change: dict[str, Any]) -> None:
        value = change.get("new")
        if isinstance(value, str):
            self._text = value
            self._store.put(self.key, value)
            self._status.value = self._status_text()

    @property
    def value(self) -> str:
        return self._text

    def set(self, text: str) -> None:
        """Set the answer (the source notebook's answer key uses this; nothing is saved)."""
        self._text = text
        _set_quietly(self._box, text, self._on_change)


def _escape(text: str) -> str:
    from html import escape

    return escape(text)


def _sms_counter(text: str) -> str:
    size = sms_size(text)
    return (
        f"{size.length} ký tự, mã {size.encoding} (một tin tối đa {size.limit} ký tự): "
        f"gửi thành {size.parts} tin."
    )


def choice(key: str, question: str, options: Sequence[str]) -> Choice:
    """Show a multiple-choice question and return it; ``.value`` is the chosen index."""
    question_widget = Choice(key, question, options, AnswerStore())
    _display(question_widget.widget)
    return question_widget


def text_answer(key: str, prompt: str, rows: int = 6) -> TextAnswer:
    """Show a text box and return it; ``.value`` is what the trainee typed."""
    answer = TextAnswer(key, prompt, AnswerStore(), rows=rows)
    _display(answer.widget)
    return answer


def sms_answer(key: str, prompt: str) -> TextAnswer:
    """A text box for an SMS, with a live count of characters and messages as the trainee types."""
    answer = TextAnswer(key, prompt, AnswerStore(), rows=3, counter=_sms_counter)
    _display(answer.widget)
    return answer


# --- what the tests call -------------------------------------------------------------------


def expect(condition: bool, feedback: str) -> None:
    """Fail the check with this Vietnamese feedback unless the condition holds."""
    if not condition:
        raise FeedbackError(feedback)


def check_chosen(answer: Choice) -> None:
    """The visible half of a knowledge check's test: an option has been chosen."""
    expect(answer.value is not None, "Bạn chưa chọn đáp án cho câu này.")


def check_choice(answer: Choice, correct: int, hint: str) -> None:
    """The hidden half: the right option, or feedback that points back to the lesson."""
    check_chosen(answer)
    expect(answer.value == correct, f"Chưa đúng. {hint}")


def check_answered(answer: TextAnswer, what: str) -> None:
    expect(bool(answer.value.strip()), f"Bạn chưa viết {what}.")
