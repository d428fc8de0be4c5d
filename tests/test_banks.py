"""Question banks: the YAML form and its checks, the Excel template, every format's round trip."""

from __future__ import annotations

import unicodedata
from dataclasses import replace
from pathlib import Path

import pytest
from typer.testing import CliRunner

from hoctap.cli import app
from hoctap.errors import HoctapError
from hoctap.quiz import bank
from hoctap.quiz.excel import read_excel
from hoctap.quiz.gift import read_gift, write_gift
from hoctap.quiz.model import TYPES, Question
from hoctap.quiz.yamlbank import read_yaml, write_yaml
from hoctap.settings import Settings, project_root
from tests.support.sheets import write_xlsx

runner = CliRunner()
MOODLE = Path(__file__).resolve().parent / "data" / "moodle-gift"  # see its README.md
STARTER = Path(__file__).resolve().parents[1] / "quizzes" / "xa-hoi-hoc-tap.yaml"
FORMATS = ["gift", "xlsx", "json", "yaml"]


def same(a: list[Question], b: list[Question]) -> bool:
    return [replace(q, line=0) for q in a] == [replace(q, line=0) for q in b]


def test_the_starter_bank_cites_a_source_for_every_question() -> None:
    questions, problems, title = read_yaml(STARTER.read_text(encoding="utf-8"))
    assert problems == [] and title
    assert len(questions) >= 120
    assert all(q.source for q in questions), [q.name for q in questions if not q.source]
    assert {q.type for q in questions} == set(TYPES)
    assert len({q.name for q in questions}) == len(questions)
    texts = [q.text for q in questions] + [a.text for q in questions for a in q.answers]
    assert all(unicodedata.is_normalized("NFC", t) for t in texts)
    assert sum(q.type == "prediction" for q in questions) >= 1


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("source", ["examples.txt", "questions.gift.txt", "starter"])
def test_import_export_import_is_lossless(tmp_path: Path, fmt: str, source: str) -> None:
    path = STARTER if source == "starter" else MOODLE / source
    questions, problems = bank.read_questions(path)
    assert problems == [] and questions
    out = tmp_path / f"bank.{fmt}"
    bank.WRITERS[fmt](bank.Bank("x", questions, "Thử"), out)
    again, problems = bank.read_questions(out, fmt)
    assert problems == []
    assert same(again, questions)


def test_gift_carries_what_it_has_no_syntax_for_in_a_comment() -> None:
    question = Question("prediction", "Có bao nhiêu người tham gia?", points=0, source="Thể lệ")
    graded = Question("true_false", "Đúng không?", points=2.5, level="Vận dụng")
    text = write_gift([question, graded])
    assert '// hoctap: {"type": "prediction", "points": 0' in text
    assert "{}" in text  # Moodle reads the prediction as an essay
    again, problems = read_gift(text)
    assert problems == []
    assert (again[0].type, again[0].points, again[0].source) == ("prediction", 0, "Thể lệ")
    assert (again[1].points, again[1].level) == (2.5, "Vận dụng")


BAD_YAML = {
    "no type": ("- text: Câu hỏi?\n", "Câu 2: Thiếu 'type'"),
    "unknown type": ("- type: dropdown\n  text: Câu?\n", "'dropdown' không phải loại câu hỏi"),
    "no right option": (
        "- type: single_choice\n  text: Câu?\n  answers: [A, B]\n",
        "thêm 'correct: true' vào phương án đúng",
    ),
    "unknown key": (
        "- type: essay\n  text: Câu?\n  dap_an: x\n",
        "khóa không dùng được: dap_an",
    ),
    "fraction out of range": (
        "- type: multiple_choice\n  text: Câu?\n  answers:\n"
        "    - {text: A, fraction: 2}\n    - {text: B, fraction: 0.5}\n",
        "fraction 2 phải nằm trong -1..1",
    ),
    "answers on a prediction": (
        "- type: prediction\n  text: Bao nhiêu?\n  answers: [{value: 3}]\n",
        "câu dự đoán lấy đáp án từ kết quả thi",
    ),
    "a range the wrong way round": (
        "- type: numeric\n  text: Năm?\n  answers: [{min: 2030, max: 2021, correct: true}]\n",
        "'min' lớn hơn 'max'",
    ),
}


@pytest.mark.parametrize("item, message", BAD_YAML.values(), ids=BAD_YAML.keys())
def test_yaml_problems_name_the_question_and_the_fix(item: str, message: str) -> None:
    good = "- name: ok\n  type: true_false\n  text: Đúng?\n  answer: true\n"
    source = "title: Thử\nquestions:\n" + _indent(good) + _indent(item)
    questions, problems, _ = read_yaml(source)
    assert [q.name for q in questions] == ["ok"]  # the good question still loads
    assert len(problems) == 1
    assert problems[0].line == 7  # where the bad question starts
    assert message in problems[0].message, problems[0].message


def _indent(text: str) -> str:
    return "".join("  " + line for line in text.splitlines(keepends=True))


def test_yaml_syntax_error_points_at_its_line() -> None:
    questions, problems, _ = read_yaml("questions:\n  - type: essay\n    text: [không đóng\n")
    assert questions == [] and problems[0].line >= 3 and "cú pháp" in problems[0].message


def test_a_bank_file_with_errors_names_the_file(tmp_path: Path) -> None:
    path = tmp_path / "loi.yaml"
    path.write_text("questions:\n  - type: single_choice\n    text: Câu?\n", encoding="utf-8")
    wrong = "có 1 câu viết sai: dòng 2: Câu 1: Câu trắc nghiệm cần ít nhất hai phương án"
    with pytest.raises(HoctapError, match=wrong) as caught:
        bank.find_bank(Settings.from_env(), str(path))
    assert str(path) in caught.value.message and "hoctap quiz check" in caught.value.hint
    assert ".." not in caught.value.message


TEMPLATE_ROWS = [
    # Câu hỏi, A, B, C, D, Đáp án, Chủ đề, Mức độ, Giải thích, Loại, Điểm, Nguồn
    ("Đề án phê duyệt bằng?", "QĐ 1373", "QĐ 1307", "CT 14", "QĐ 489", "A", "Chính sách",
     "Nhận biết", "QĐ 1373/QĐ-TTg.", "", "", "QĐ 1373/QĐ-TTg"),
    ("Sự kiện hằng năm?", "Tuần lễ học tập", "Ngày Sách", "Tết", "", "A;B", "", "", "", "", 2, ""),
    ("Có trọng số?", "Một", "Hai", "Ba", "", "A=50%;B=50%;C=-100%", "", "", "", "", "", ""),
    ("Thang điểm 100?", "", "", "", "", "Đúng", "", "", "", "", "", ""),
    ("Đề án đến năm?", "", "", "", "", "2030", "", "", "", "", "", ""),
    ("Khoảng năm?", "", "", "", "", "2021..2030", "", "", "", "", "", ""),
    ("Sai số?", "", "", "", "", "2030±1", "", "", "", "", "", ""),
    ("Số hiệu?", "1373/QĐ-TTg", "1373", "", "", "", "", "", "", "Trả lời ngắn", "", ""),
    ("Ghép đôi", "QĐ 1373 -> Đề án", "QĐ 1307 -> Truyền thông", "", "", "", "", "", "",
     "Ghép đôi", "", ""),
    ("Viết tin ngắn.", "", "", "", "", "", "", "", "", "", "", ""),
    ("Bao nhiêu người dự thi?", "", "", "", "", "", "", "", "", "Dự đoán", 0, ""),
]  # fmt: skip
TEMPLATE_HEADER = ["Câu hỏi", "A", "B", "C", "D", "Đáp án", "Chủ đề", "Mức độ", "Giải thích",
                   "Loại", "Điểm", "Nguồn"]  # fmt: skip


def test_a_filled_in_template_reads_every_type(tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "cau-hoi.xlsx", TEMPLATE_ROWS, header=TEMPLATE_HEADER)
    questions, problems = read_excel(path)
    assert problems == []
    assert [q.type for q in questions] == [
        "single_choice", "multiple_choice", "multiple_choice", "true_false", "numeric", "numeric",
        "numeric", "short_answer", "matching", "essay", "prediction",
    ]  # fmt: skip
    first = questions[0]
    assert [a.fraction for a in first.answers] == [1, 0, 0, 0]
    assert (first.category, first.level, first.feedback, first.source) == (
        "Chính sách", "Nhận biết", "QĐ 1373/QĐ-TTg.", "QĐ 1373/QĐ-TTg",
    )  # fmt: skip
    assert [a.fraction for a in questions[1].answers] == [0.5, 0.5, 0]
    assert questions[1].points == 2
    assert [a.fraction for a in questions[2].answers] == [0.5, 0.5, -1]
    assert (questions[5].answers[0].low, questions[5].answers[0].high) == (2021, 2030)
    assert (questions[6].answers[0].value, questions[6].answers[0].tolerance) == (2030, 1)
    assert next((a.text, a.match) for a in questions[8].answers) == ("QĐ 1373", "Đề án")


def test_bad_template_rows_are_reported_and_the_rest_read(tmp_path: Path) -> None:
    rows = [
        *TEMPLATE_ROWS[:2],
        ("Thiếu đáp án?", "A1", "B1", "", "", "", "", "", "", "", "", ""),
        ("Đáp án lạ?", "A1", "B1", "", "", "E", "", "", "", "", "", ""),
        ("Có chỗ trống?", "A1", "", "C1", "", "A", "", "", "", "", "", ""),
    ]
    path = write_xlsx(tmp_path / "cau-hoi.xlsx", rows, header=TEMPLATE_HEADER)
    questions, problems = read_excel(path)
    assert len(questions) == 2
    assert [p.line for p in problems] == [4, 5, 6]
    assert "Cột Đáp án trống" in problems[0].message
    assert "Đáp án 'E'" in problems[1].message
    assert "Cột B trống" in problems[2].message


def test_quiz_commands_template_import_and_list(tmp_path: Path) -> None:
    from openpyxl import load_workbook

    template = tmp_path / "mau.xlsx"
    result = runner.invoke(app, ["quiz", "template", str(template)])
    assert result.exit_code == 0, result.output
    workbook = load_workbook(template)
    assert workbook.sheetnames == ["Câu hỏi", "Hướng dẫn"]
    header = [c.value for c in workbook["Câu hỏi"][1]]
    for column in ("Câu hỏi", "A", "B", "C", "D", "Đáp án", "Chủ đề", "Mức độ", "Giải thích"):
        assert column in header

    gift = MOODLE / "questions.gift.txt"
    result = runner.invoke(app, ["quiz", "import", str(gift), "--bank", "moodle"])
    assert result.exit_code == 0, result.output
    assert "9 câu mới" in result.output
    again = runner.invoke(app, ["quiz", "import", str(gift), "--bank", "moodle"])
    assert "0 câu mới" in again.output and "tổng 9 câu" in again.output  # replaced by name

    listed = runner.invoke(app, ["quiz", "list"])
    assert "moodle: 9 câu" in listed.output and "xa-hoi-hoc-tap:" in listed.output


@pytest.mark.parametrize("fmt", FORMATS)
def test_quiz_export_writes_a_file_quiz_check_reads_whole(tmp_path: Path, fmt: str) -> None:
    gift = MOODLE / "questions.gift.txt"
    result = runner.invoke(app, ["quiz", "import", str(gift), "--bank", "moodle"])
    assert result.exit_code == 0, result.output
    out = tmp_path / f"moodle.{fmt}"
    result = runner.invoke(app, ["quiz", "export", "moodle", "-f", fmt, "-o", str(out)])
    assert result.exit_code == 0, result.output
    check = runner.invoke(app, ["quiz", "check", str(out), "--from", fmt])
    assert check.exit_code == 0 and "9 câu đọc được" in check.output, check.output


def test_a_partly_bad_file_imports_the_rest_and_exits_1(tmp_path: Path) -> None:
    source = tmp_path / "cau-hoi.gift"
    source.write_text(
        "::a:: Hai cộng hai? {=4 ~3}\n\n::b:: Không có đáp án\n\n::c:: Đúng? {T}\n",
        encoding="utf-8",
    )
    result = runner.invoke(app, ["quiz", "import", str(source), "--bank", "thu"])
    assert result.exit_code == 1
    assert "2 câu mới" in result.output
    assert "cau-hoi.gift, dòng 3: Không có phần đáp án" in result.output
    saved = bank.find_bank(Settings.from_env(), "thu")
    assert [q.name for q in saved.questions] == ["a", "c"]


def test_aiken_import_by_content(tmp_path: Path) -> None:
    source = tmp_path / "aiken.txt"
    source.write_text("Đề án đến năm nào?\nA. 2025\nB. 2030\nANSWER: B\n", encoding="utf-8")
    result = runner.invoke(app, ["quiz", "import", str(source), "--bank", "aiken"])
    assert result.exit_code == 0, result.output
    saved = bank.find_bank(Settings.from_env(), "aiken")
    assert saved.questions[0].type == "single_choice"


def test_texts_from_any_format_pass_the_normaliser(tmp_path: Path) -> None:
    decomposed = unicodedata.normalize("NFD", "Tỉnh   Cao Bằng, hoà bình?")
    source = tmp_path / "nfd.gift"
    source.write_text(f"{decomposed} {{=Hoà ~Thuỷ}}\n", encoding="utf-8")
    questions, _ = bank.read_questions(source)
    assert questions[0].text == "Tỉnh Cao Bằng, hòa bình?"
    assert [a.text for a in questions[0].answers] == ["Hòa", "Thủy"]


def test_bad_bank_names_and_missing_banks_say_what_to_do() -> None:
    result = runner.invoke(app, ["quiz", "export", "Không Có"])
    assert result.exit_code == 1 and "chữ thường không dấu" in result.output
    result = runner.invoke(app, ["quiz", "export", "khong-co"])
    assert result.exit_code == 1 and "hoctap quiz import" in result.output


def test_the_starter_bank_is_found_by_name() -> None:
    assert project_root() is not None
    found = bank.find_bank(Settings.from_env(), "xa-hoi-hoc-tap")
    assert len(found.questions) >= 120


def test_yaml_writer_reads_back() -> None:
    questions, _, _ = read_yaml(STARTER.read_text(encoding="utf-8"))
    again, problems, title = read_yaml(write_yaml(questions, "Tên"))
    assert problems == [] and title == "Tên" and same(again, questions)


def test_the_format_guide_s_example_reads() -> None:
    guide = (Path(__file__).resolve().parents[1] / "quizzes" / "README.md").read_text("utf-8")
    example = guide.split("```yaml\n", 1)[1].split("```", 1)[0]
    questions, problems, title = read_yaml(example)
    assert problems == [] and title and questions[0].type == "single_choice"
    assert [a.fraction for a in questions[0].answers] == [1, 0, 0]


def test_questions_a_bank_cannot_hold_are_reported_not_saved(tmp_path: Path) -> None:
    source = tmp_path / "mot-phan.gift"
    source.write_text(
        "::tot:: Hai cộng hai? {=4 ~3}\n\n"
        "::mot-cap:: Ghép {=a -> 1}\n\n"
        "::khong-de:: {=chỉ đáp án ~sai}\n",
        encoding="utf-8",
    )
    checked = runner.invoke(app, ["quiz", "check", str(source)])
    assert checked.exit_code == 1 and "1 câu đọc được" in checked.output
    result = runner.invoke(app, ["quiz", "import", str(source), "--bank", "mot-phan"])
    assert result.exit_code == 1
    assert "dòng 3: Câu (mot-cap): Câu ghép đôi cần ít nhất hai cặp" in result.output
    assert "dòng 5: Câu (khong-de): Câu hỏi chưa có nội dung." in result.output
    listed = runner.invoke(app, ["quiz", "list"])
    assert listed.exit_code == 0 and "mot-phan: 1 câu" in listed.output


def test_numbers_of_every_size_survive_the_excel_template(tmp_path: Path) -> None:
    from hoctap.quiz.model import Answer

    questions = [
        Question("numeric", "Nhỏ?", answers=[Answer(value=1e-05, tolerance=1e-06, fraction=1)]),
        Question("numeric", "Lớn?", answers=[Answer(low=1e20, high=2e20, fraction=1)]),
    ]
    out = tmp_path / "so.xlsx"
    bank.WRITERS["xlsx"](bank.Bank("so", questions), out)
    again, problems = bank.read_questions(out)
    assert problems == [] and same(again, questions)


def test_json_flags_are_read_as_flags() -> None:
    from hoctap.quiz.interchange import read_json

    text = '[{"type": "short_answer", "text": "?", "answers": [{"text": "a", "fraction": 1}], '
    questions, _ = read_json(text + '"ignore_case": "false"}]')
    assert questions[0].ignore_case is False
    _, problems = read_json(text + '"ignore_case": "có"}]')
    assert "ignore_case" in problems[0].message
