"""``hoctap quiz``: question banks, imported from and exported to Excel, GIFT, Aiken, JSON, YAML."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from hoctap.cli.common import err, group
from hoctap.settings import Settings

if TYPE_CHECKING:
    from hoctap.quiz.model import Problem


app = group(
    "Ngân hàng câu hỏi: nhập từ Excel, GIFT (Moodle), Aiken, JSON; xuất ra các định dạng đó."
)


class BankFormat(StrEnum):
    gift = "gift"
    xlsx = "xlsx"
    json = "json"
    yaml = "yaml"


class SourceFormat(StrEnum):
    gift = "gift"
    aiken = "aiken"
    xlsx = "xlsx"
    json = "json"
    yaml = "yaml"


def _problems(source: str, problems: list[Problem]) -> None:
    for problem in problems:
        err(f"  {source}, dòng {problem.line}: {problem.message}")


@app.command("template")
def quiz_template(
    output: Annotated[Path, typer.Argument(help="Tệp .xlsx sẽ ghi mẫu vào.")] = Path(
        "mau-ngan-hang-cau-hoi.xlsx"
    ),
) -> None:
    """Ghi mẫu Excel trống để soạn câu hỏi (có trang hướng dẫn cách điền từng cột)."""
    from hoctap.quiz.bank import write_template

    write_template(output)
    typer.echo(
        f"Đã ghi mẫu vào {output}. Soạn xong, nhập bằng: hoctap quiz import {output} --bank TEN"
    )


@app.command("import")
def quiz_import(
    file: Annotated[
        Path, typer.Argument(help="Tệp .xlsx/.csv (mẫu Excel), .gift/.txt, .json, .yaml.")
    ],
    bank: Annotated[
        str,
        typer.Option("--bank", "-b", help="Tên ngân hàng (chữ thường không dấu, ví dụ thi-2026)."),
    ],
    source_format: Annotated[
        SourceFormat | None,
        typer.Option(
            "--from", help="Định dạng của tệp, khi đuôi tệp không nói rõ (.txt: GIFT hay Aiken)."
        ),
    ] = None,
    replace_all: Annotated[
        bool, typer.Option("--replace", help="Thay toàn bộ ngân hàng thay vì thêm vào.")
    ] = False,
) -> None:
    """Nhập câu hỏi vào ngân hàng. Câu viết sai được báo theo số dòng, các câu khác vẫn nhập."""
    from hoctap.quiz.bank import import_questions

    report = import_questions(
        Settings.from_env(), file, bank, source_format.value if source_format else None, replace_all
    )
    typer.echo(
        f"Ngân hàng '{bank}': {report.added} câu mới, {report.updated} câu cập nhật "
        f"từ {file.name}; tổng {len(report.bank.questions)} câu ({report.bank.path})."
    )
    if report.problems:
        err(f"{len(report.problems)} câu không đọc được, chưa nhập:")
        _problems(file.name, report.problems)
        raise typer.Exit(1)


@app.command("export")
def quiz_export(
    bank: Annotated[str, typer.Argument(help="Tên ngân hàng (hoặc đường dẫn tệp .yaml).")],
    fmt: Annotated[
        BankFormat,
        typer.Option("--format", "-f", help="gift (Moodle), xlsx (mẫu Excel), json, yaml."),
    ] = BankFormat.xlsx,
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Tệp ghi ra; mặc định TEN.định-dạng.")
    ] = None,
) -> None:
    """Xuất ngân hàng câu hỏi; nhập lại tệp xuất ra được đúng các câu hỏi đó."""
    from hoctap.quiz.bank import export_bank

    suffix = {"gift": ".gift.txt"}.get(fmt.value, f".{fmt.value}")
    target = output or Path(Path(bank).stem + suffix)
    found = export_bank(Settings.from_env(), bank, fmt.value, target)
    typer.echo(f"Đã xuất {len(found.questions)} câu của '{found.name}' vào {target}.")


@app.command("check")
def quiz_check(
    file: Annotated[Path, typer.Argument(help="Tệp câu hỏi ở bất kỳ định dạng nào nhập được.")],
    source_format: Annotated[
        SourceFormat | None, typer.Option("--from", help="Định dạng của tệp.")
    ] = None,
) -> None:
    """Kiểm tra một tệp câu hỏi mà không nhập: đếm câu theo loại, báo từng câu viết sai."""
    from collections import Counter

    from hoctap.quiz.bank import read_questions

    questions, problems = read_questions(file, source_format.value if source_format else None)
    kinds = Counter(q.type for q in questions)
    listing = ", ".join(f"{kind} {count}" for kind, count in sorted(kinds.items()))
    typer.echo(f"{file.name}: {len(questions)} câu đọc được ({listing or 'không có'}).")
    if problems:
        err(f"{len(problems)} câu viết sai:")
        _problems(file.name, problems)
        raise typer.Exit(1)


@app.command("list")
def quiz_list() -> None:
    """Liệt kê các ngân hàng câu hỏi và số câu của mỗi ngân hàng."""
    from hoctap.quiz.bank import list_banks

    banks = list_banks(Settings.from_env())
    if not banks:
        typer.echo("Chưa có ngân hàng câu hỏi nào. Tạo bằng: hoctap quiz import TEP --bank TEN")
    for bank in banks:
        title = f" {bank.title}." if bank.title else ""
        typer.echo(f"{bank.name}: {len(bank.questions)} câu.{title} ({bank.path})")
