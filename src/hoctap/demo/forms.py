"""A generated Google Forms contest export (demo people, demo questions) and its answer key.

For the demo, the tests and the benchmark: nothing in it is real. Names come from the demo's
name lists, units from the province's catalogue, questions are labelled as samples. Rows are in
time order, as Forms writes them; some phone numbers answer twice, some predictions are blank.
"""

from __future__ import annotations

import csv
import random
from datetime import datetime, timedelta
from pathlib import Path

from hoctap.demo.people import _FAMILY, _GIVEN_F, _GIVEN_M, _MIDDLE_F, _MIDDLE_M, _MOBILE_PREFIXES
from hoctap.people.units import seed_catalogue

PREDICTION_HEADER = "Câu hỏi dự đoán: Có bao nhiêu người tham gia cuộc thi này?"
CHECKBOX_EVERY = 7
"""Every seventh question has two correct options (checkboxes)."""


def _question(number: int) -> tuple[str, list[str], list[str]]:
    """Header, options and correct options of sample question ``number``."""
    header = f"Câu {number}. Câu hỏi mẫu số {number} (dữ liệu giả lập)"
    options = [f"Phương án {letter} của câu {number}" for letter in "ABCD"]
    rng = random.Random(f"question:{number}")
    if number % CHECKBOX_EVERY == 0:
        return header, options, sorted(rng.sample(options, 2))
    return header, options, [rng.choice(options)]


def sample_forms(
    path: Path, key_path: Path, rows: int = 200, questions: int = 20, seed: int = 2026
) -> None:
    """Write a responses CSV (as Google Forms exports it, Vietnamese headers) and its key CSV."""
    rng = random.Random(seed)
    units = [u.name for u in seed_catalogue() if u.kind != "tinh"]
    spec = [_question(n) for n in range(1, questions + 1)]
    start = datetime(2026, 11, 20, 8, 0, 0)
    span = timedelta(days=7).total_seconds()
    moments = sorted(rng.uniform(0, span) for _ in range(rows))
    phones: list[str] = []
    header = ["Dấu thời gian", "Điểm", "Họ và tên", "Đơn vị", "Số điện thoại"]
    header += [h for h, _, _ in spec] + [PREDICTION_HEADER]
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        people: list[tuple[str, str, str]] = []
        for moment in moments:
            if people and rng.random() < 0.03:  # someone tries again later
                name, unit, phone = rng.choice(people)
            else:
                female = rng.random() < 0.55
                middles = _MIDDLE_F if female else _MIDDLE_M
                # Many names carry two middle words: a province's 100,000 names are mostly
                # distinct, and so are these.
                parts = [rng.choice(_FAMILY), rng.choice(middles).split()[0]]
                if rng.random() < 0.6:
                    parts.append(rng.choice(middles).split()[-1])
                parts.append(rng.choice(_GIVEN_F if female else _GIVEN_M))
                name = " ".join(parts)
                unit = rng.choice(units)
                phone = rng.choice(_MOBILE_PREFIXES) + f"{rng.randrange(10**7):07d}"
                people.append((name, unit, phone))
                phones.append(phone)
            skill = rng.betavariate(5, 2)
            answers = []
            for _, options, right in spec:
                if rng.random() < skill:
                    chosen = list(right)
                else:
                    chosen = [rng.choice([o for o in options if o not in right])]
                rng.shuffle(chosen)
                answers.append("; ".join(chosen))
            guess = rng.random()
            prediction = "" if guess < 0.03 else str(max(0, int(rng.gauss(rows, rows / 4))))
            when = start + timedelta(seconds=int(moment))
            writer.writerow(
                [when.strftime("%d/%m/%Y %H:%M:%S"), "", name, unit, phone, *answers, prediction]
            )
    with open(key_path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["Câu hỏi", "Đáp án"])
        for question, _, right in spec:
            writer.writerow([question, ";".join(right)])


def write_demo_forms(folder: Path) -> tuple[Path, Path]:
    """The demo's sample contest (500 entries, 10 questions), written once into ``folder``."""
    responses = folder / "thi-google-forms-mau.csv"
    key = folder / "dap-an-mau.csv"
    if not (responses.is_file() and key.is_file()):
        folder.mkdir(parents=True, exist_ok=True)
        sample_forms(responses, key, rows=500, questions=10)
    return responses, key
