"""Where contest definitions live, and finding one by name with its bank's questions."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from hoctap.contest.definition import Contest, parse_contest
from hoctap.errors import HoctapError
from hoctap.quiz.bank import Bank, find_bank
from hoctap.quiz.model import Question
from hoctap.settings import Settings, project_root


@dataclass(frozen=True)
class LoadedContest:
    """A contest and the questions of its bank."""

    contest: Contest
    bank: Bank

    @property
    def questions(self) -> list[Question]:
        return self.bank.questions


def contest_folders(settings: Settings) -> list[Path]:
    """The organisers' contests first (HOCTAP_HOME/contests), then the checkout's samples."""
    folders = [settings.home / "contests"]
    root = project_root()
    if root is not None:
        folders.append(root / "quizzes" / "contests")
    return folders


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise HoctapError(f"Không đọc được tệp cuộc thi {path}: {error}.") from error


def find_contest(settings: Settings, name: str) -> LoadedContest:
    """A contest by name (or the path of its file), checked against its bank."""
    candidate = Path(name)
    if candidate.suffix.lower() in (".yaml", ".yml") and candidate.is_file():
        path = candidate
    else:
        found = [f / f"{name}.yaml" for f in contest_folders(settings)]
        path = next((p for p in found if p.is_file()), found[0])
        if not path.is_file():
            known = sorted({p.stem for f in contest_folders(settings) for p in f.glob("*.yaml")})
            raise HoctapError(
                f"Không có cuộc thi '{name}'.",
                "Các cuộc thi có: "
                + (", ".join(known) or "(chưa có)")
                + f". Tạo cuộc thi: viết tệp {settings.home / 'contests' / 'TEN.yaml'} "
                "(xem docs/contest.md).",
            )
    text = _read(path)
    shape = parse_contest(text, path.stem, None, path)  # the file's own checks first
    bank = find_bank(settings, shape.bank)
    return LoadedContest(parse_contest(text, path.stem, bank.questions, path), bank)


def list_contests(settings: Settings) -> list[LoadedContest]:
    """Every contest that can be found, each name once (the organisers' copy wins)."""
    seen: dict[str, LoadedContest] = {}
    for folder in contest_folders(settings):
        for path in sorted(folder.glob("*.yaml")):
            if path.stem not in seen:
                seen[path.stem] = find_contest(settings, str(path))
    return list(seen.values())
