"""Contest definitions: a YAML file per contest in ``quizzes/contests/``, validated on load.

A definition names its bank and how many questions to draw from each category, the time limit,
when it opens and closes (Asia/Ho_Chi_Minh), how many attempts and which one counts, the
prediction question, the ranking keys, the prizes, the group-prize rule, who may take part and
whether answers are shown afterwards. Every problem is reported with the key and the fix.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from hoctap.contest.rules import DEFAULT_LEVELS, DEFAULT_ORDER, KEYS, PREDICTIONS, GroupRules
from hoctap.errors import HoctapError
from hoctap.io.yamlfile import Problems, load_yaml
from hoctap.quiz.model import Question
from hoctap.settings import ZONE

COUNTS = {"best": "lần tốt nhất", "latest": "lần cuối", "first": "lần đầu"}
PARTICIPANTS = {"roster": "người có trong danh sách học viên", "open": "mọi người đăng ký"}
LAYOUTS = {"one_per_screen": "mỗi màn hình một câu", "one_page": "tất cả trên một trang"}
AUTO_TYPES = ("single_choice", "multiple_choice", "true_false", "short_answer", "numeric",
              "matching")  # fmt: skip
_TIME_FORMATS = ("%d/%m/%Y %H:%M", "%d/%m/%Y %H:%M:%S", "%d/%m/%Y", "%Y-%m-%d %H:%M", "%Y-%m-%d")
_KEYS = {
    "title": "tên cuộc thi",
    "bank": "ngân hàng câu hỏi",
    "draw": "số câu rút từ mỗi chủ đề",
    "types": "các loại câu được rút",
    "shuffle_options": "đảo thứ tự phương án",
    "layout": "cách trình bày",
    "time_limit_minutes": "thời gian làm bài (phút)",
    "opens": "giờ mở",
    "closes": "giờ đóng",
    "attempts": "số lần thi",
    "counts": "lần thi được tính",
    "prediction": "câu dự đoán",
    "ranking": "thứ tự tiêu chí xếp hạng",
    "prizes": "cơ cấu giải",
    "min_score": "điểm tối thiểu để xét giải",
    "group_prizes": "giải tập thể",
    "participants": "ai được thi",
    "show_answers": "cho xem đáp án sau khi nộp",
}


@dataclass(frozen=True)
class Draw:
    """How many questions to draw from one category of the bank."""

    category: str
    count: int


@dataclass(frozen=True)
class Contest:
    """One contest, as its definition file says (every field validated)."""

    name: str
    title: str
    bank: str
    draw: tuple[Draw, ...]
    """Empty: every question of the allowed types, in the bank's order."""
    types: tuple[str, ...] = ("single_choice", "multiple_choice", "true_false")
    shuffle_options: bool = True
    layout: str = "one_per_screen"
    time_limit: timedelta = timedelta(minutes=20)
    opens: datetime | None = None
    closes: datetime | None = None
    attempts: int = 1
    """How many attempts a participant may make; 0 for no limit."""
    counts: str = "best"
    prediction: str = ""
    """The bank's prediction question (its name); "" for none."""
    predict: str = "total"
    """What the prediction asks: ``total`` participants or ``perfect`` scorers."""
    ranking: tuple[str, ...] = DEFAULT_ORDER
    prizes: tuple[tuple[str, int], ...] = DEFAULT_LEVELS
    min_score: float | None = None
    groups: GroupRules = field(default_factory=GroupRules)
    participants: str = "roster"
    show_answers: bool = True
    path: Path | None = None

    def is_open(self, now: datetime) -> bool:
        return (self.opens is None or now >= self.opens) and (
            self.closes is None or now < self.closes
        )

    def status(self, now: datetime) -> str:
        if self.opens is not None and now < self.opens:
            return "chưa mở"
        if self.closes is not None and now >= self.closes:
            return "đã đóng"
        return "đang mở"


def _time(value: object, key: str, problems: Problems) -> datetime | None:
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=ZONE)
    text = str(value).strip()
    for fmt in _TIME_FORMATS:
        try:
            return datetime.strptime(text, fmt).replace(tzinfo=ZONE)
        except ValueError:
            continue
    problems.add(key, f"'{text}' không phải thời điểm; viết ngày/tháng/năm giờ:phút, ví dụ "
                 "01/12/2026 08:00 (giờ Việt Nam)")  # fmt: skip
    return None


def _int(value: object, key: str, problems: Problems, low: int = 0) -> int | None:
    if isinstance(value, bool) or not isinstance(value, int) or value < low:
        problems.add(key, f"'{value}' phải là số nguyên từ {low} trở lên")
        return None
    return value


def _choice(value: object, key: str, allowed: dict[str, str], problems: Problems) -> str | None:
    if value not in allowed:
        options = ", ".join(f"{k} ({v})" for k, v in allowed.items())
        problems.add(key, f"'{value}' không dùng được; chọn một trong: {options}")
        return None
    return str(value)


def parse_contest(
    source: str, name: str, questions: list[Question] | None, path: Path | None = None
) -> Contest:
    """A contest from its YAML text, checked against its bank's ``questions`` when given."""
    label = path.name if path else f"{name}.yaml"
    problems = Problems(
        f"Tệp cuộc thi {label}",
        source,
        "Sửa tệp rồi xem lại bằng: hoctap contest show TÊN. Cách viết: docs/contest.md.",
    )
    data = load_yaml(source, f"Tệp cuộc thi {label}")
    if not isinstance(data, dict):
        raise HoctapError(f"Tệp cuộc thi {label} phải là một bảng khóa: giá trị.")
    for key in data:
        if key not in _KEYS:
            problems.add(str(key), "khóa không dùng được; các khóa: " + ", ".join(_KEYS))
    values: dict[str, Any] = {}
    for key in ("title", "bank"):
        if not str(data.get(key) or "").strip():
            problems.add(key, f"thiếu {_KEYS[key]}")
        values[key] = str(data.get(key) or "").strip()

    types = data.get("types", list(Contest.types))
    if not isinstance(types, list) or not types or any(t not in AUTO_TYPES for t in types):
        problems.add("types", "danh sách các loại câu chấm tự động: " + ", ".join(AUTO_TYPES))
        types = list(Contest.types)
    values["types"] = tuple(types)

    draws: list[Draw] = []
    raw_draw = data.get("draw") or []
    if not isinstance(raw_draw, list):
        problems.add("draw", "danh sách, mỗi dòng '- {category: TÊN CHỦ ĐỀ, count: SỐ CÂU}'")
        raw_draw = []
    for number, item in enumerate(raw_draw, start=1):
        if not isinstance(item, dict) or "category" not in item or "count" not in item:
            problems.add(f"draw[{number}]", "viết '{category: TÊN CHỦ ĐỀ, count: SỐ CÂU}'")
            continue
        count = _int(item["count"], f"draw[{number}].count", problems, low=1)
        if count is not None:
            draws.append(Draw(str(item["category"]).strip(), count))
    values["draw"] = tuple(draws)

    for key in ("shuffle_options", "show_answers"):
        if key in data:
            if not isinstance(data[key], bool):
                problems.add(key, "chỉ nhận true hoặc false")
            else:
                values[key] = data[key]
    if "layout" in data:
        values["layout"] = _choice(data["layout"], "layout", LAYOUTS, problems) or Contest.layout
    minutes = data.get("time_limit_minutes", 20)
    if isinstance(minutes, bool) or not isinstance(minutes, (int, float)) or minutes <= 0:
        problems.add("time_limit_minutes", f"'{minutes}' phải là số phút lớn hơn 0, ví dụ 20")
    else:
        values["time_limit"] = timedelta(minutes=minutes)
    values["opens"] = _time(data.get("opens"), "opens", problems)
    values["closes"] = _time(data.get("closes"), "closes", problems)
    if values["opens"] and values["closes"] and values["closes"] <= values["opens"]:
        problems.add("closes", "giờ đóng phải sau giờ mở")
    if "attempts" in data:
        values["attempts"] = _int(data["attempts"], "attempts", problems) or 0
    if "counts" in data:
        values["counts"] = _choice(data["counts"], "counts", COUNTS, problems) or "best"
    if "participants" in data:
        values["participants"] = (
            _choice(data["participants"], "participants", PARTICIPANTS, problems) or "roster"
        )

    prediction = data.get("prediction")
    if prediction is not None:
        if not isinstance(prediction, dict) or "question" not in prediction:
            problems.add("prediction", "viết '{question: TÊN CÂU DỰ ĐOÁN, target: total|perfect}'")
        else:
            values["prediction"] = str(prediction["question"]).strip()
            values["predict"] = (
                _choice(
                    prediction.get("target", "total"), "prediction.target", PREDICTIONS, problems
                )
                or "total"
            )
    ranking = data.get("ranking")
    if ranking is not None:
        if not isinstance(ranking, list) or not ranking or any(k not in KEYS for k in ranking):
            problems.add(
                "ranking", "danh sách tiêu chí theo thứ tự, chọn trong: " + ", ".join(KEYS)
            )
        else:
            values["ranking"] = tuple(ranking)
    prizes = data.get("prizes")
    if prizes is not None:
        if not isinstance(prizes, dict) or not prizes:
            problems.add("prizes", "viết '{Nhất: 1, Nhì: 2, Ba: 3, Khuyến khích: 5}'")
        else:
            levels = []
            for level, count in prizes.items():
                amount = _int(count, f"prizes.{level}", problems)
                if amount is not None:
                    levels.append((str(level), amount))
            values["prizes"] = tuple(levels)
    if data.get("min_score") is not None:
        score = data["min_score"]
        if isinstance(score, bool) or not isinstance(score, (int, float)) or score < 0:
            problems.add("min_score", f"'{score}' phải là một số không âm")
        else:
            values["min_score"] = float(score)
    group = data.get("group_prizes")
    if group is not None:
        if not isinstance(group, dict):
            problems.add("group_prizes", "viết '{prizes: 3, min_roster: 10, by: participation}'")
        else:
            by = group.get("by", "participation")
            if by not in ("participation", "average"):
                problems.add("group_prizes.by", "chọn participation (tỷ lệ tham gia) hoặc average")
                by = "participation"
            values["groups"] = GroupRules(
                prizes=_int(group.get("prizes", 3), "group_prizes.prizes", problems) or 0,
                min_roster=_int(group.get("min_roster", 10), "group_prizes.min_roster", problems)
                or 0,
                by=by,
            )
    if questions is not None and not problems:
        _check_bank(values, questions, problems)
    problems.raise_if_any()
    return Contest(name=name, path=path, **values)


def _check_bank(values: dict[str, Any], questions: list[Question], problems: Problems) -> None:
    usable = [q for q in questions if q.type in values["types"]]
    for draw in values["draw"]:
        available = sum(1 for q in usable if q.category == draw.category)
        if available == 0:
            categories = sorted({q.category for q in usable})
            problems.add(
                "draw",
                f"ngân hàng không có câu nào thuộc chủ đề '{draw.category}' (các chủ đề có: "
                + "; ".join(f"'{c}'" for c in categories)
                + ")",
            )
        elif available < draw.count:
            problems.add(
                "draw",
                f"chủ đề '{draw.category}' chỉ có {available} câu, không đủ {draw.count} câu",
            )
    if not values["draw"] and not usable:
        problems.add("types", "ngân hàng không có câu nào thuộc các loại đã chọn")
    name = values.get("prediction", "")
    if name:
        found = next((q for q in questions if q.name == name), None)
        if found is None or found.type != "prediction":
            problems.add(
                "prediction.question",
                f"ngân hàng không có câu dự đoán tên '{name}' (type: prediction)",
            )


def draw_questions(contest: Contest, questions: list[Question], seed: str) -> list[Question]:
    """The questions one participant gets: a reproducible draw from each category, in order.

    ``seed`` (contest, participant and attempt) makes the draw differ between participants and
    stay the same when the same attempt is opened again.
    """
    rng = random.Random(seed)
    usable = [q for q in questions if q.type in contest.types]
    if not contest.draw:
        chosen = list(usable)
    else:
        chosen = []
        for draw in contest.draw:
            pool = [q for q in usable if q.category == draw.category]
            chosen += rng.sample(pool, draw.count)
    if contest.prediction:
        chosen += [q for q in questions if q.name == contest.prediction]
    return chosen


def option_order(contest: Contest, question: Question, seed: str) -> list[int]:
    """The order a participant sees a question's options in (indexes into its answers)."""
    order = list(range(len(question.answers)))
    if contest.shuffle_options and question.type in ("single_choice", "multiple_choice"):
        random.Random(f"{seed}:{question.name}").shuffle(order)
    return order


def describe(contest: Contest, questions: list[Question]) -> list[str]:
    """The contest's rules in Vietnamese, as ``hoctap contest show`` prints them."""
    from datetime import UTC

    from hoctap.text import format_int

    now = datetime.now(UTC)
    drawn = sum(d.count for d in contest.draw) or sum(q.type in contest.types for q in questions)
    minutes = int(contest.time_limit.total_seconds() // 60)
    when = []
    if contest.opens:
        when.append(f"mở {contest.opens:%H:%M %d/%m/%Y}")
    if contest.closes:
        when.append(f"đóng {contest.closes:%H:%M %d/%m/%Y}")
    head = (
        f"{contest.title}. Ngân hàng '{contest.bank}', {drawn} câu, {minutes} phút; "
        + (", ".join(when) + " (giờ Việt Nam); " if when else "")
        + contest.status(now)
        + "."
    )
    lines = [head]
    lines += [f"  Rút {d.count} câu chủ đề '{d.category}'." for d in contest.draw]
    attempts = f"{contest.attempts} lần" if contest.attempts else "không giới hạn số lần"
    lines.append(f"  Được thi {attempts}; tính {COUNTS[contest.counts]}.")
    lines.append(f"  Người thi: {PARTICIPANTS[contest.participants]}.")
    lines.append(
        f"  Trình bày: {LAYOUTS[contest.layout]}; "
        + ("đảo thứ tự phương án" if contest.shuffle_options else "giữ thứ tự phương án")
        + "; "
        + ("cho xem đáp án sau khi nộp." if contest.show_answers else "không cho xem đáp án.")
    )
    if contest.prediction:
        lines.append(f"  Câu dự đoán: '{contest.prediction}' ({PREDICTIONS[contest.predict]}).")
    lines.append("  Xếp hạng: " + ", rồi ".join(KEYS[k].label for k in contest.ranking) + ".")
    lines.append(
        "  Giải: "
        + ", ".join(f"{name} {format_int(count)}" for name, count in contest.prizes)
        + (f"; tối thiểu {contest.min_score:g} điểm" if contest.min_score is not None else "")
        + "."
    )
    groups = contest.groups
    lines.append(
        f"  Giải tập thể: {groups.prizes} giải, xếp theo "
        + ("tỷ lệ tham gia" if groups.by == "participation" else "điểm trung bình")
        + f"; đơn vị từ {groups.min_roster} thành viên."
    )
    return lines
