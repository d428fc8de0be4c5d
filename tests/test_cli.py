"""The command line: help for every command, exit statuses, Vietnamese messages, no tracebacks."""

from __future__ import annotations

import shutil
import socket
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook
from typer.main import get_command
from typer.testing import CliRunner

from hoctap.cli import app
from tests.support.sheets import write_xlsx

runner = CliRunner()


@pytest.fixture(autouse=True)
def gradebook_copy(home: Path, sqlite_gradebook: Path) -> None:
    """The commands run on the test's data folder, with a gradebook made once for the session."""
    (home / "course").mkdir(parents=True)
    shutil.copyfile(sqlite_gradebook, home / "course" / "gradebook.db")


def all_commands() -> list[tuple[str, Any]]:
    """Every command of the CLI tree (Typer's click objects, by duck typing)."""
    found: list[tuple[str, Any]] = []

    def walk(prefix: str, command: Any) -> None:
        found.append((prefix, command))
        for name, sub in getattr(command, "commands", {}).items():
            walk(f"{prefix} {name}".strip(), sub)

    walk("", get_command(app))
    return found


@pytest.mark.parametrize(("name", "command"), all_commands(), ids=lambda v: v or "hoctap")
def test_every_command_and_option_has_help(name: str, command: Any) -> None:
    assert command.help and command.help.strip(), f"'hoctap {name}' has no help"
    for param in command.params:
        if param.param_type_name == "option" and param.name != "help":
            assert param.help, f"option {param.opts} of 'hoctap {name}' has no help"
    result = runner.invoke(app, [*name.split(), "--help"])
    assert result.exit_code == 0
    assert "Usage" in result.output


@pytest.mark.parametrize("command", ["demo", "serve", "units", "roster"])
def test_top_level_help_is_in_vietnamese(command: str) -> None:
    result = runner.invoke(app, ["--help"])
    assert "nền tảng bồi dưỡng" in result.output
    assert command in result.output


def test_bad_roster_prints_rows_and_exits_1(tmp_path: Path) -> None:
    rows = [
        ["", "Xã Lý Bôn", "", "", "", "", ""],
        ["Bế Văn Cường", "Xã Hưng Đạt", "", "", "", "", ""],
    ]
    path = write_xlsx(tmp_path / "hv.xlsx", rows)
    result = runner.invoke(app, ["roster", "import", str(path)])
    assert result.exit_code == 1
    assert "Dòng 2, cột 'Họ và tên': Thiếu họ và tên." in result.stderr
    assert "Dòng 3, cột 'Đơn vị': Không có đơn vị 'Xã Hưng Đạt'." in result.stderr
    assert "Có phải: Xã Hưng Đạo" in result.stderr
    assert "Chưa có gì được ghi" in result.stderr
    assert "Traceback" not in result.output + result.stderr


def test_missing_file_is_one_clear_message(tmp_path: Path) -> None:
    result = runner.invoke(app, ["roster", "import", str(tmp_path / "khong-co.xlsx")])
    assert result.exit_code == 1
    assert result.stderr.startswith("Lỗi: Không tìm thấy tệp")
    assert "Traceback" not in result.stderr


def test_import_then_list_as_csv_and_xlsx(tmp_path: Path) -> None:
    rows = [["Nguyễn Văn An", "UBND xã Hưng Đạo", "", "0912 345 678", "", "", "Có"]]
    result = runner.invoke(app, ["roster", "import", str(write_xlsx(tmp_path / "hv.xlsx", rows))])
    assert result.exit_code == 0, result.output
    assert "1 học viên mới" in result.output

    result = runner.invoke(app, ["roster", "list", "--format", "csv"])
    assert result.exit_code == 0
    assert result.stdout_bytes.startswith(b"\xef\xbb\xbf")
    lines = result.stdout_bytes.decode("utf-8-sig").splitlines()
    assert lines == [
        "Mã học viên,Họ và tên,Mã đơn vị,Đơn vị,Vai trò",
        "annv-01351,Nguyễn Văn An,01351,Xã Hưng Đạo,",
    ]

    out = tmp_path / "hv-private.xlsx"
    result = runner.invoke(app, ["roster", "list", "--private", "-f", "xlsx", "-o", str(out)])
    assert result.exit_code == 0
    sheet = load_workbook(out).active
    assert sheet is not None
    values = [list(r) for r in sheet.iter_rows(values_only=True)]
    assert values[0][-3:] == ["Số điện thoại", "Email", "Đồng ý công khai"]
    assert values[1][:2] == ["annv-01351", "Nguyễn Văn An"]
    assert values[1][-3:] == ["0912345678", None, "Có"]


def test_xlsx_needs_an_output_file() -> None:
    result = runner.invoke(app, ["units", "list", "--format", "xlsx"])
    assert result.exit_code == 1
    assert "--output" in result.stderr


def test_units_list_by_kind() -> None:
    result = runner.invoke(app, ["units", "list", "--kind", "bao_chi", "-f", "csv"])
    assert result.exit_code == 0
    body = result.stdout_bytes.decode("utf-8-sig")
    assert "Báo Cao Bằng" in body and "Đài Phát thanh – Truyền hình tỉnh" in body
    assert "Xã" not in body


def test_serve_refuses_a_busy_port() -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        result = runner.invoke(app, ["serve", "--lab-port", str(port), "--no-voila"])
    assert result.exit_code == 1
    assert f"Cổng {port} trên 127.0.0.1 đang bận." in result.stderr
    assert "--lab-port" in result.stderr


@pytest.mark.parametrize("token", ["short", "có dấu cách 123", ""])
def test_serve_refuses_a_weak_or_odd_token(token: str) -> None:
    result = runner.invoke(app, ["serve", "--no-lab", "--token", token])
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert "Mã (--token) cần ít nhất 8 ký tự" in result.stderr and "--token " in result.stderr


def test_info_shows_the_data_folder(home: Path) -> None:
    assert not (home / "hoctap.db").exists()
    result = runner.invoke(app, ["info"])
    assert result.exit_code == 0
    assert str(home) in result.output
    assert (home / "hoctap.db").is_file()  # created and migrated on first use


LEAF_COMMANDS = [name for name, c in all_commands() if name and not getattr(c, "commands", None)]


@pytest.mark.parametrize("name", LEAF_COMMANDS)
def test_readme_documents_every_command(name: str) -> None:
    readme = (Path(__file__).parent.parent / "README.md").read_text(encoding="utf-8")
    assert f"hoctap {name}" in readme, f"README.md does not show 'hoctap {name}'"


def test_course_list_shows_every_module_with_its_due_date() -> None:
    from tests.support.modules import MODULES

    result = runner.invoke(app, ["course", "list"])
    assert result.exit_code == 0
    assert [m for m in MODULES if m not in result.output] == []
    assert "hạn nộp 31/12/2026 23:59" in result.output


def test_unknown_module_is_a_clear_error() -> None:
    result = runner.invoke(app, ["course", "release", "hp9-khong-co"])
    assert result.exit_code == 1
    assert "Không có học phần 'hp9-khong-co'." in result.stderr
    assert "hp1-chu-truong-chinh-sach" in result.stderr


def test_course_status_shows_its_columns_in_vietnamese_in_their_order(tmp_path: Path) -> None:
    rows = [["Nguyễn Văn An", "UBND xã Hưng Đạo", "", "", "", "", ""]]
    result = runner.invoke(app, ["roster", "import", str(write_xlsx(tmp_path / "hv.xlsx", rows))])
    assert result.exit_code == 0, result.output
    module = "hp1-chu-truong-chinh-sach"

    result = runner.invoke(app, ["course", "status", module, "--detail", "-f", "csv"])
    assert result.exit_code == 0, result.output
    assert result.stdout_bytes.decode("utf-8-sig").splitlines() == [
        "Mã học viên,Họ và tên,Mã đơn vị,Đơn vị,Đã tải bài,Đã nộp,Đã chấm,Điểm,Điểm tối đa,"
        "Cần chấm tay,Đạt,Có nhận xét",
        "annv-01351,Nguyễn Văn An,01351,Xã Hưng Đạo,Không,Không,Không,,,Không,Không,Không",
    ]
    result = runner.invoke(app, ["course", "status", module, "-f", "csv"])
    assert result.exit_code == 0, result.output
    assert result.stdout_bytes.decode("utf-8-sig").splitlines() == [
        "Mã đơn vị,Đơn vị,Số học viên,Đã tải bài,Đã nộp,Đã chấm,Đạt,Điểm trung bình",
        "01351,Xã Hưng Đạo,1,0,0,0,0,",
    ]
