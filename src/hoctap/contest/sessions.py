"""Taking a contest, on the server: who enters, the paper they get, every answer as it is given.

The contest pages (``hoctap.web``) are only a view: they send option *positions* and texts, and
everything that decides a grade happens here, against the database and the server's clock. Each
step checks what it is given and refuses, with a Vietnamese message and without recording
anything, an answer to a question that is not on the paper, an option that does not exist, an
answer after the deadline or after hand-in, an attempt beyond the limit, another entrant's
attempt, a save older than the one stored, or a device that no longer holds the attempt.
"""

from __future__ import annotations

import json
import secrets
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from hoctap.contest.catalog import LoadedContest
from hoctap.contest.definition import draw_questions, option_order
from hoctap.contest.grading import MANUAL, answer_fraction
from hoctap.db import Database
from hoctap.db.models import Attempt, AttemptAnswer, Entrant, Person
from hoctap.errors import ContactError, Refused
from hoctap.people.contacts import parse_phone
from hoctap.quiz.model import Question
from hoctap.text import fold, normalize, person_name
from hoctap.text.search import matches

Clock = Callable[[], datetime]
MAX_TEXT = 500
"""The longest typed answer kept (characters)."""


def server_now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class Shown:
    """A question as the participant sees it: texts only, never which option is right."""

    name: str
    type: str
    text: str
    options: tuple[str, ...]
    """Choice texts in the participant's order; for matching, the left sides."""
    matches: tuple[str, ...] = ()
    """Matching only: the right sides, in the participant's order."""
    points: float = 1.0


@dataclass(frozen=True)
class Paper:
    """One open or finished attempt, as the app shows it."""

    attempt_id: int
    number: int
    questions: tuple[Shown, ...]
    deadline: datetime
    submitted_at: datetime | None
    answers: dict[str, str]
    """Question name -> the saved answer, in the form the grading rules read."""
    holder: str
    revisions: dict[str, int] = field(default_factory=dict)
    """Question name -> how many changes the page had sent when this answer was saved."""

    def seconds_left(self, now: datetime) -> int:
        return max(0, int((self.deadline - now).total_seconds()))


@dataclass(frozen=True)
class Result:
    """What a participant sees after handing in."""

    score: float
    full: float
    correct: int
    total: int
    duration: timedelta
    right: dict[str, bool]
    """Question name -> answered fully right (auto-graded questions only)."""


class Stale(Refused):
    """A save not newer than the answer stored: a replay, or an old save arriving late."""

    def __init__(self, stored: int) -> None:
        super().__init__(
            "Câu trả lời này đã được gửi trước đó; lần gửi lại không được ghi.",
            "Câu trả lời mới nhất của anh/chị vẫn được giữ.",
        )
        self.stored = stored


def aware(moment: datetime) -> datetime:
    """SQLite gives back naive datetimes; they were stored in UTC."""
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


# -- who takes part ---------------------------------------------------------------------------


def find_people(db: Database, name: str, unit: str = "", limit: int = 10) -> list[Person]:
    """Roster people whose name (and unit, when given) match, accent-insensitive."""
    from sqlalchemy.orm import selectinload

    query = fold(name)
    if len(query.replace(" ", "")) < 2:
        return []
    first = query.split()[0]
    with db.session() as session:
        candidates = session.scalars(
            select(Person)
            .where(Person.search_key.contains(first))
            .options(selectinload(Person.unit))
            .limit(2000)
        ).all()
    unit_key = fold(unit)
    found = [
        p
        for p in candidates
        if matches(query, p.search_key) and (not unit_key or matches(unit_key, fold(p.unit.name)))
    ]
    return found[:limit]


def _check_phone(person: Person, phone_tail: str) -> None:
    if person.phone and not person.phone.endswith(phone_tail.strip() or "\x00"):
        raise Refused(
            "Bốn số cuối điện thoại không khớp với danh sách.",
            "Nhập bốn số cuối của số điện thoại anh/chị đã khai với đơn vị.",
        )


def enter_person(
    db: Database,
    loaded: LoadedContest,
    code: str,
    phone_tail: str,
    consent: bool,
    now: Clock = server_now,
) -> Entrant:
    """The roster person with this code enters the contest (again: the same entrant)."""
    return _enter(db, loaded, code, phone_tail, consent, now)


def enter_logged_in(
    db: Database, loaded: LoadedContest, code: str, consent: bool, now: Clock = server_now
) -> Entrant:
    """The roster person logged in (on the hub) under this code enters: the log-in proves who
    they are, so no phone digits are asked."""
    return _enter(db, loaded, code, None, consent, now)


def logged_in_person(db: Database, code: str) -> tuple[str, str] | None:
    """(full name, unit name) of the roster person with this hub log-in, if there is one."""
    with db.session() as session:
        person = session.scalar(select(Person).where(Person.code == code.strip().lower()))
        return (person.full_name, person.unit.name) if person is not None else None


def _enter(
    db: Database,
    loaded: LoadedContest,
    code: str,
    phone_tail: str | None,
    consent: bool,
    now: Clock,
) -> Entrant:
    with db.session() as session:
        person = session.scalar(select(Person).where(Person.code == code.strip().lower()))
        if person is None:
            raise Refused(
                f"Không có học viên mã '{code}'.", "Tìm theo họ tên và đơn vị nếu không nhớ mã."
            )
        if phone_tail is not None:
            _check_phone(person, phone_tail)
        entrant = session.scalar(
            select(Entrant).where(
                Entrant.contest == loaded.contest.name, Entrant.person_id == person.id
            )
        )
        if entrant is None:
            entrant = Entrant(
                contest=loaded.contest.name,
                person_id=person.id,
                full_name=person.full_name,
                unit_id=person.unit_id,
                unit_name=person.unit.name,
                phone=person.phone,
            )
            session.add(entrant)
        entrant.consent_publish = consent
        entrant.consent_at = now().astimezone(UTC)
        session.flush()
        session.expunge(entrant)
    return entrant


def register(
    db: Database,
    loaded: LoadedContest,
    full_name: str,
    unit: str,
    phone: str,
    consent: bool,
    now: Clock = server_now,
) -> Entrant:
    """Someone not on the roster registers, when the contest is open to all; one entry a phone."""
    if loaded.contest.participants != "open":
        raise Refused(
            "Cuộc thi này chỉ dành cho người có trong danh sách học viên.",
            "Tìm mình theo mã học viên, hoặc họ tên và đơn vị.",
        )
    name, unit_name = person_name(full_name), normalize(unit)
    if len(name.split()) < 2 or not unit_name:
        raise Refused("Cần đủ họ và tên, và đơn vị.", "Ví dụ: Nguyễn Văn An, Xã Hưng Đạo.")
    try:
        number = parse_phone(phone)
    except ContactError as error:
        raise Refused(str(error), error.hint) from None
    if not number:
        raise Refused("Cần số điện thoại.", "Mỗi số điện thoại được đăng ký một lần.")
    with db.session() as session:
        entrant = session.scalar(
            select(Entrant).where(Entrant.contest == loaded.contest.name, Entrant.phone == number)
        )
        if entrant is None:
            entrant = Entrant(
                contest=loaded.contest.name, full_name=name, unit_name=unit_name, phone=number
            )
            session.add(entrant)
        elif fold(entrant.full_name) != fold(name):
            raise Refused(
                "Số điện thoại này đã được đăng ký với một họ tên khác.",
                "Mỗi số điện thoại chỉ dự thi một lần; liên hệ ban tổ chức nếu có nhầm lẫn.",
            )
        entrant.consent_publish = consent
        entrant.consent_at = now().astimezone(UTC)
        session.flush()
        session.expunge(entrant)
    return entrant


# -- the paper --------------------------------------------------------------------------------


def _shown(loaded: LoadedContest, names: Sequence[str], seed: str) -> tuple[Shown, ...]:
    by_name = {q.name: q for q in loaded.questions}
    shown = []
    for name in names:
        question = by_name[name]
        order = option_order(loaded.contest, question, seed)
        if question.type == "matching":
            lefts = tuple(a.text for a in question.answers if a.text)
            rights = [question.answers[i].match for i in order]
            shown.append(Shown(name, question.type, question.text, lefts, tuple(rights)))
        elif question.type == "true_false":
            shown.append(Shown(name, question.type, question.text, ("Đúng", "Sai")))
        else:
            options = tuple(question.answers[i].text for i in order)
            if question.type in ("short_answer", "numeric", "prediction", "essay"):
                options = ()
            shown.append(Shown(name, question.type, question.text, options, (), question.points))
    return tuple(shown)


def _paper(loaded: LoadedContest, attempt: Attempt) -> Paper:
    names = json.loads(attempt.questions)
    return Paper(
        attempt_id=attempt.id,
        number=attempt.number,
        questions=_shown(loaded, names, attempt.seed),
        deadline=aware(attempt.deadline),
        submitted_at=aware(attempt.submitted_at) if attempt.submitted_at else None,
        answers={a.question: a.answer for a in attempt.answers},
        holder=attempt.holder,
        revisions={a.question: a.revision for a in attempt.answers},
    )


def _close_if_late(attempt: Attempt, moment: datetime) -> None:
    """Time is kept by the server: an attempt past its deadline is handed in at the deadline."""
    if attempt.submitted_at is None and aware(attempt.deadline) <= moment:
        attempt.submitted_at = attempt.deadline


def open_attempt(
    db: Database, loaded: LoadedContest, entrant_id: int, now: Clock = server_now
) -> Paper:
    """The entrant's open attempt, taken over by this tab, or a new one if the rules allow."""
    contest = loaded.contest
    moment = now().astimezone(UTC)  # SQLite keeps wall times: store UTC
    holder = secrets.token_hex(16)
    for _ in range(3):  # two tabs may start the same attempt at once: one wins, one resumes
        try:
            with db.session() as session:
                attempts = list(
                    session.scalars(
                        select(Attempt)
                        .where(Attempt.entrant_id == entrant_id)
                        .order_by(Attempt.number)
                    )
                )
                for attempt in attempts:
                    _close_if_late(attempt, moment)
                current = next((a for a in attempts if a.submitted_at is None), None)
                if current is not None:
                    current.holder = holder
                    session.flush()
                    return _paper(loaded, current)
                if not contest.is_open(moment):
                    raise Refused(
                        f"Cuộc thi {contest.status(moment)}.",
                        _schedule(loaded),
                    )
                if contest.attempts and len(attempts) >= contest.attempts:
                    raise Refused(
                        f"Anh/chị đã thi đủ {contest.attempts} lần cho phép.",
                        "Xem kết quả ở trang kết quả khi ban tổ chức công bố.",
                    )
                number = len(attempts) + 1
                seed = f"{contest.name}:{entrant_id}:{number}"
                drawn = draw_questions(contest, loaded.questions, seed)
                deadline = moment + contest.time_limit
                if contest.closes is not None:
                    deadline = min(deadline, contest.closes.astimezone(UTC))
                attempt = Attempt(
                    entrant_id=entrant_id,
                    number=number,
                    seed=seed,
                    questions=json.dumps([q.name for q in drawn], ensure_ascii=False),
                    started_at=moment,
                    deadline=deadline,
                    holder=holder,
                )
                session.add(attempt)
                session.flush()
                return _paper(loaded, attempt)
        except IntegrityError:
            continue
    raise Refused("Máy chủ đang bận.", "Tải lại trang sau ít giây.")


def current_attempt(
    db: Database, loaded: LoadedContest, entrant_id: int, now: Clock = server_now
) -> Paper | None:
    """The entrant's open attempt, or else their latest one, as it stands; None before the first.

    Nothing changes hands: a page reads where the entrant is, and only ``open_attempt`` takes
    an attempt over for a new tab or device. An attempt past its deadline is handed in.
    """
    moment = now().astimezone(UTC)
    with db.session() as session:
        attempts = list(
            session.scalars(
                select(Attempt).where(Attempt.entrant_id == entrant_id).order_by(Attempt.number)
            )
        )
        for attempt in attempts:
            _close_if_late(attempt, moment)
        current = next((a for a in attempts if a.submitted_at is None), None)
        if current is None and attempts:
            current = attempts[-1]
        return _paper(loaded, current) if current is not None else None


def may_start(db: Database, loaded: LoadedContest, entrant_id: int, now: Clock = server_now) -> str:
    """Why the entrant may not start a new attempt now ("" when they may)."""
    contest = loaded.contest
    moment = now().astimezone(UTC)
    if not contest.is_open(moment):
        return f"Cuộc thi {contest.status(moment)}. {_schedule(loaded)}".strip()
    if contest.attempts and attempts_used(db, entrant_id) >= contest.attempts:
        return f"Anh/chị đã thi đủ {contest.attempts} lần cho phép."
    return ""


def entrant(db: Database, contest: str, entrant_id: int) -> Entrant | None:
    """The entrant with this id in this contest (None for another contest's)."""
    with db.session() as session:
        found = session.get(Entrant, entrant_id)
        if found is None or found.contest != contest:
            return None
        session.expunge(found)
        return found


def _schedule(loaded: LoadedContest) -> str:
    contest = loaded.contest
    parts = []
    if contest.opens:
        parts.append(f"mở lúc {contest.opens:%H:%M ngày %d/%m/%Y}")
    if contest.closes:
        parts.append(f"đóng lúc {contest.closes:%H:%M ngày %d/%m/%Y}")
    return ("Cuộc thi " + ", ".join(parts) + " (giờ Việt Nam).") if parts else ""


def _held(
    session: object, attempt_id: int, holder: str, moment: datetime, entrant_id: int | None = None
) -> Attempt:
    from sqlalchemy.orm import Session

    assert isinstance(session, Session)
    attempt = session.get(Attempt, attempt_id, with_for_update=True)
    if attempt is None:
        raise Refused("Không có bài thi này.", "Tải lại trang để bắt đầu.")
    if entrant_id is not None and attempt.entrant_id != entrant_id:
        raise Refused("Bài thi này không phải của anh/chị.", "Tải lại trang để làm bài của mình.")
    if not secrets.compare_digest(attempt.holder, holder):
        raise Refused(
            "Bài thi đang được làm ở một cửa sổ khác.",
            "Anh/chị dùng cửa sổ mở sau cùng; tải lại trang này để làm tiếp ở đây.",
        )
    _close_if_late(attempt, moment)
    if attempt.submitted_at is not None:
        raise Refused(
            "Bài thi đã nộp hoặc đã hết giờ; câu trả lời này không được ghi.",
            "Các câu đã trả lời trước đó vẫn được tính.",
        )
    return attempt


def answer_text(question: Shown, choice: object) -> str:
    """The answer to store from what the app sends; Refused when it is not a possible answer.

    Choices come as option positions (an int, or a list of ints for several); matching as a list
    of right-side positions, one per left side (-1: not matched); the rest as text.
    """

    def position(value: object, count: int) -> int:
        if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value < count:
            raise Refused("Phương án không có trong câu hỏi.", "Chọn một phương án trên màn hình.")
        return value

    if question.type in ("single_choice", "true_false"):
        return question.options[position(choice, len(question.options))]
    if question.type == "multiple_choice":
        if not isinstance(choice, (list, tuple)) or len(set(map(str, choice))) != len(choice):
            raise Refused("Phương án không có trong câu hỏi.", "Chọn các phương án trên màn hình.")
        picked = sorted(position(c, len(question.options)) for c in choice)
        return ";".join(question.options[i] for i in picked)
    if question.type == "matching":
        if not isinstance(choice, (list, tuple)) or len(choice) != len(question.options):
            raise Refused("Câu ghép đôi cần một lựa chọn cho mỗi vế.", "Ghép lại từng vế.")
        pairs = []
        for left, right in zip(question.options, choice, strict=True):
            if right == -1:
                continue
            pairs.append(f"{left} -> {question.matches[position(right, len(question.matches))]}")
        return "; ".join(pairs)
    if not isinstance(choice, str):
        raise Refused("Câu trả lời phải là chữ hoặc số.", "Gõ câu trả lời vào ô.")
    text = normalize(choice)
    if len(text) > MAX_TEXT:
        raise Refused(f"Câu trả lời dài quá {MAX_TEXT} ký tự.", "Viết ngắn gọn hơn.")
    return text


def save_answer(
    db: Database,
    loaded: LoadedContest,
    attempt_id: int,
    holder: str,
    question_name: str,
    choice: object,
    now: Clock = server_now,
    revision: int | None = None,
    entrant_id: int | None = None,
) -> str:
    """Check and save one answer at once (a later answer to the same question replaces it).

    ``choice`` is what ``answer_text`` reads, or a function that reads it from the question as
    shown (a web form's fields need the question's type). ``revision`` is the page's count of
    changes to this question: when given, a save that is not newer than the one stored (a
    replayed request, or an older save arriving late after the network came back) is refused
    and nothing changes. ``entrant_id``, when given, must be the attempt's own.
    """
    moment = now().astimezone(UTC)  # SQLite keeps wall times: store UTC
    with db.session() as session:
        attempt = _held(session, attempt_id, holder, moment, entrant_id)
        names = json.loads(attempt.questions)
        if question_name not in names:
            raise Refused("Câu hỏi này không có trong bài thi.", "Tải lại trang.")
        shown = _shown(loaded, [question_name], attempt.seed)[0]
        text = answer_text(shown, choice(shown) if callable(choice) else choice)
        saved = session.scalar(
            select(AttemptAnswer).where(
                AttemptAnswer.attempt_id == attempt_id, AttemptAnswer.question == question_name
            )
        )
        if revision is not None:
            if isinstance(revision, bool) or not isinstance(revision, int) or revision < 1:
                raise Refused("Yêu cầu lưu câu trả lời không hợp lệ.", "Tải lại trang.")
            if saved is not None and revision <= saved.revision:
                raise Stale(saved.revision)
        if saved is None:
            session.add(
                AttemptAnswer(
                    attempt_id=attempt_id,
                    question=question_name,
                    answer=text,
                    answered_at=moment,
                    revision=revision or 1,
                )
            )
        else:
            saved.answer, saved.answered_at = text, moment
            saved.revision = revision if revision is not None else saved.revision + 1
    return text


def submit(
    db: Database, loaded: LoadedContest, attempt_id: int, holder: str, now: Clock = server_now
) -> Result:
    """Hand in; the result is graded from what was saved."""
    moment = now().astimezone(UTC)  # SQLite keeps wall times: store UTC
    with db.session() as session:
        attempt = _held(session, attempt_id, holder, moment)
        attempt.submitted_at = moment
    return result(db, loaded, attempt_id, now)


def result(db: Database, loaded: LoadedContest, attempt_id: int, now: Clock = server_now) -> Result:
    """The score of a handed-in (or timed-out) attempt."""
    by_name = {q.name: q for q in loaded.questions}
    with db.session() as session:
        attempt = session.get(Attempt, attempt_id)
        assert attempt is not None
        _close_if_late(attempt, now().astimezone(UTC))
        if attempt.submitted_at is None:
            raise Refused("Bài thi chưa nộp.", "Nộp bài để xem kết quả.")
        saved = {a.question: a.answer for a in attempt.answers}
        names = json.loads(attempt.questions)
        duration = aware(attempt.submitted_at) - aware(attempt.started_at)
    graded: list[Question] = [by_name[n] for n in names if by_name[n].type not in MANUAL]
    right, score = {}, 0.0
    for question in graded:
        fraction = answer_fraction(question, saved.get(question.name, ""))
        score += fraction * question.points
        right[question.name] = fraction >= 1 - 1e-6
    return Result(
        score=round(score, 6),
        full=float(sum(q.points for q in graded)),
        correct=sum(right.values()),
        total=len(graded),
        duration=duration,
        right=right,
    )


def attempts_used(db: Database, entrant_id: int) -> int:
    with db.session() as session:
        return int(
            session.scalar(select(func.count()).where(Attempt.entrant_id == entrant_id)) or 0
        )
