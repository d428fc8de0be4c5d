"""Question banks on disk: the formats registered in one place, import, export, find by name.

A bank is a YAML file ``NAME.yaml``: the trainers' own in ``HOCTAP_HOME/quizzes/``, the starter
banks shipped in the checkout's ``quizzes/``. Every text read from any format passes the text
normaliser (``normalize_lines``) before it is compared or stored.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path

from hoctap.errors import HoctapError
from hoctap.quiz import aiken, gift, interchange, yamlbank
from hoctap.quiz.model import Answer, Problem, Question
from hoctap.settings import Settings, project_root
from hoctap.text import normalize_lines


@dataclass
class Bank:
    """A named list of questions."""

    name: str
    questions: list[Question] = field(default_factory=list)
    title: str = ""
    path: Path | None = None
    """The YAML file the bank lives in, once saved or found."""


@dataclass
class ImportReport:
    """What ``import_questions`` did: counts for the message, problems for the list of rows."""

    bank: Bank
    added: int
    updated: int
    problems: list[Problem]
    source_format: str


def _read_text(path: Path) -> str:
    try:
        data = path.read_bytes()
    except OSError as error:
        raise HoctapError(f"Không đọc được tệp {path}: {error.strerror}.") from error
    for encoding in ("utf-8-sig", "utf-16"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise HoctapError(
        f"Tệp {path.name} không phải văn bản UTF-8.",
        "Mở tệp bằng Notepad hoặc LibreOffice và lưu lại với bảng mã UTF-8.",
    )


def _text_reader(
    parse: Callable[[str], tuple[list[Question], list[Problem]]],
) -> Callable[[Path], tuple[list[Question], list[Problem]]]:
    return lambda path: parse(_read_text(path))


def _read_yaml(path: Path) -> tuple[list[Question], list[Problem]]:
    questions, problems, _ = yamlbank.read_yaml(_read_text(path))
    return questions, problems


def _read_excel(path: Path) -> tuple[list[Question], list[Problem]]:
    from hoctap.quiz.excel import read_excel

    return read_excel(path)


def _write_excel(bank: Bank, output: Path) -> None:
    from hoctap.quiz.excel import write_excel

    write_excel(bank.questions, output, bank.title)


def _write_text(render: Callable[[Bank], str]) -> Callable[[Bank, Path], None]:
    def write(bank: Bank, output: Path) -> None:
        output.parent.mkdir(parents=True, exist_ok=True)
        output.write_text(render(bank), encoding="utf-8")

    return write


READERS: dict[str, Callable[[Path], tuple[list[Question], list[Problem]]]] = {
    "gift": _text_reader(gift.read_gift),
    "aiken": _text_reader(aiken.read_aiken),
    "xlsx": _read_excel,
    "json": _text_reader(interchange.read_json),
    "yaml": _read_yaml,
}
WRITERS: dict[str, Callable[[Bank, Path], None]] = {
    "gift": _write_text(lambda b: gift.write_gift(b.questions)),
    "xlsx": _write_excel,
    "json": _write_text(lambda b: interchange.write_json(b.questions)),
    "yaml": _write_text(lambda b: yamlbank.write_yaml(b.questions, b.title)),
}
_SUFFIXES = {
    ".gift": "gift",
    ".xlsx": "xlsx",
    ".xlsm": "xlsx",
    ".csv": "xlsx",
    ".json": "json",
    ".yaml": "yaml",
    ".yml": "yaml",
}
_AIKEN_KEY = re.compile(r"^\s*ANSWER\s*:\s*[A-Z]\s*$", re.M)


def detect_format(path: Path) -> str:
    """The format a file is in: by its suffix, or for ``.txt`` by its content (GIFT or Aiken)."""
    suffix = path.suffix.lower()
    if suffix in _SUFFIXES:
        return _SUFFIXES[suffix]
    if suffix == ".txt":
        text = _read_text(path)
        return "aiken" if _AIKEN_KEY.search(text) and "{" not in text else "gift"
    raise HoctapError(
        f"Không biết tệp {path.name} theo định dạng nào.",
        "Đặt đuôi tệp .gift, .txt (GIFT hoặc Aiken), .xlsx, .csv, .json hoặc .yaml, "
        "hoặc chọn định dạng bằng --from.",
    )


def _normal_answer(answer: Answer) -> Answer:
    return replace(
        answer,
        text=normalize_lines(answer.text),
        feedback=normalize_lines(answer.feedback),
        match=normalize_lines(answer.match),
    )


def normal_question(question: Question) -> Question:
    """The question with every text through the normaliser (NFC, one tone placement, spacing)."""
    return replace(
        question,
        text=normalize_lines(question.text),
        name=normalize_lines(question.name),
        category=normalize_lines(question.category),
        feedback=normalize_lines(question.feedback),
        level=normalize_lines(question.level),
        source=normalize_lines(question.source),
        answers=[_normal_answer(a) for a in question.answers],
    )


def read_questions(path: Path, fmt: str | None = None) -> tuple[list[Question], list[Problem]]:
    """The normalised questions of a file in any registered format, and the unreadable ones."""
    path = Path(path)
    if not path.is_file():
        raise HoctapError(f"Không tìm thấy tệp {path}.", "Kiểm tra lại đường dẫn tới tệp.")
    fmt = fmt or detect_format(path)
    reader = READERS.get(fmt)
    if reader is None:
        raise HoctapError(f"Không có định dạng '{fmt}'.", f"Chọn một trong: {', '.join(READERS)}.")
    read, problems = reader(path)
    # Every format must give questions a bank can hold: the same checks as a bank file's.
    questions = []
    for question in read:
        message = yamlbank.problem_with(question)
        if message:
            label = f" ({question.name})" if question.name else ""
            problems.append(Problem(question.line, f"Câu{label}: {message}"))
        else:
            questions.append(normal_question(question))
    problems.sort(key=lambda p: p.line)
    return questions, problems


def bank_folders(settings: Settings) -> list[Path]:
    """Where banks are looked for: the trainers' folder first, then the shipped starter banks."""
    folders = [settings.home / "quizzes"]
    root = project_root()
    if root is not None:
        folders.append(root / "quizzes")
    return folders


_NAME = re.compile(r"^[a-z0-9][a-z0-9_-]*$")


def _check_name(name: str) -> str:
    if not _NAME.match(name):
        raise HoctapError(
            f"Tên ngân hàng '{name}' không dùng được.",
            "Dùng chữ thường không dấu, số và dấu gạch ngang, ví dụ: thi-tim-hieu-2026.",
        )
    return name


def find_bank(settings: Settings, name: str) -> Bank:
    """A bank by name (or by the path of its YAML file); every question validated on load."""
    candidate = Path(name)
    if candidate.suffix.lower() in (".yaml", ".yml") and candidate.is_file():
        path = candidate
    else:
        _check_name(name)
        found = [
            f / f"{name}.yaml" for f in bank_folders(settings) if (f / f"{name}.yaml").is_file()
        ]
        if not found:
            known = sorted({p.stem for f in bank_folders(settings) for p in f.glob("*.yaml")})
            raise HoctapError(
                f"Không có ngân hàng câu hỏi '{name}'.",
                "Các ngân hàng có: "
                + (", ".join(known) if known else "(chưa có)")
                + ". Tạo ngân hàng bằng: hoctap quiz import TEP --bank TEN",
            )
        path = found[0]
    questions, problems, title = yamlbank.read_yaml(_read_text(path))
    if problems:
        lines = "; ".join(f"dòng {p.line}: {p.message.rstrip('.')}" for p in problems[:5])
        more = f" (và {len(problems) - 5} lỗi nữa)" if len(problems) > 5 else ""
        raise HoctapError(
            f"Ngân hàng {path} có {len(problems)} câu viết sai: {lines}{more}.",
            "Sửa tệp rồi kiểm tra lại bằng: hoctap quiz check " + str(path),
        )
    return Bank(path.stem, [normal_question(q) for q in questions], title, path)


def list_banks(settings: Settings) -> list[Bank]:
    """Every bank that can be found, each name once (the trainers' copy wins)."""
    banks: dict[str, Bank] = {}
    for folder in bank_folders(settings):
        for path in sorted(folder.glob("*.yaml")):
            if path.stem not in banks:
                banks[path.stem] = find_bank(settings, str(path))
    return list(banks.values())


def save_bank(settings: Settings, bank: Bank) -> Path:
    path = bank.path or settings.home / "quizzes" / f"{_check_name(bank.name)}.yaml"
    WRITERS["yaml"](bank, path)
    bank.path = path
    return path


def import_questions(
    settings: Settings,
    source: Path,
    bank_name: str,
    fmt: str | None = None,
    replace_all: bool = False,
) -> ImportReport:
    """Add a file's readable questions to a bank in the trainers' folder (created when new).

    A question whose name is already in the bank replaces it; the rest are added at the end.
    Unreadable questions are reported, not imported; the others are.
    """
    _check_name(bank_name)
    fmt = fmt or detect_format(Path(source))
    questions, problems = read_questions(Path(source), fmt)
    target = settings.home / "quizzes" / f"{bank_name}.yaml"
    if target.is_file() and not replace_all:
        bank = find_bank(settings, str(target))
    else:
        bank = Bank(bank_name, path=target)
    # A file may repeat a name (Moodle's do): the n-th question of a name replaces the n-th one
    # of that name in the bank, so importing the same file again changes nothing.
    positions: dict[str, list[int]] = {}
    for index, existing in enumerate(bank.questions):
        if existing.name:
            positions.setdefault(existing.name, []).append(index)
    added = updated = 0
    for question in questions:
        question = replace(question, line=0)
        if positions.get(question.name):
            bank.questions[positions[question.name].pop(0)] = question
            updated += 1
        else:
            bank.questions.append(question)
            added += 1
    if questions or not target.is_file():
        save_bank(settings, bank)
    return ImportReport(bank, added, updated, problems, fmt)


def export_bank(settings: Settings, name: str, fmt: str, output: Path) -> Bank:
    """Write a bank in a registered format (gift, xlsx, json, yaml)."""
    writer = WRITERS.get(fmt)
    if writer is None:
        raise HoctapError(f"Không có định dạng '{fmt}'.", f"Chọn một trong: {', '.join(WRITERS)}.")
    bank = find_bank(settings, name)
    writer(bank, Path(output))
    return bank


def write_template(output: Path) -> None:
    """The blank Excel template, with its guide sheet."""
    from hoctap.quiz.excel import write_excel

    write_excel([], Path(output), "Mẫu nhập ngân hàng câu hỏi (hoctap)")
