"""The wording of the report and the certificates, read from ``grading/documents.yaml``.

Every text with ``{{ ... }}`` is a Jinja template rendered in a sandbox with strict undefined
names: a misspelt field is refused when the file is read, naming the key and the fields that
exist, so a province's edit never fails half-way through a batch of certificates.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from hoctap.errors import HoctapError

REPORT_FIELDS = {"ky": "năm 2026", "co_quan": "Sở Thông tin và Truyền thông"}
COMMON_FIELDS = {"ho_ten": "Nguyễn Văn An", "don_vi": "Xã Hưng Đạo", "nam": 2026}
CERTIFICATE_FIELDS: dict[str, dict[str, object]] = {
    "module": COMMON_FIELDS | {"hoc_phan": "Dữ liệu và infographic", "diem": "87,5"},
    "contest": COMMON_FIELDS
    | {"giai": "Nhất", "cuoc_thi": "Cuộc thi tìm hiểu", "diem": "10", "hang": 1},
    "group": COMMON_FIELDS
    | {"giai": "tập thể", "cuoc_thi": "Cuộc thi tìm hiểu", "ty_le": "92,3", "hang": 1},
}
SERIAL_FIELDS = {"nam": 2026, "so_thu_tu": 12}
QR_FIELDS = {"ma": "K7PX-3QMD", "so": "2026-00012/GCN"}
TARGET_MEASURES = ("recognised_share:", "self:")


@dataclass(frozen=True)
class Issuer:
    parent: str
    name: str
    abbreviation: str = ""


@dataclass(frozen=True)
class Signer:
    title: tuple[str, ...]
    name: str


@dataclass(frozen=True)
class Target:
    name: str
    measure: str
    target: float
    source: str


@dataclass(frozen=True)
class CertificateText:
    title: str
    subtitle: str
    recipient: str
    lines: tuple[str, ...]


@dataclass(frozen=True)
class DocumentSettings:
    place: str
    issuer: Issuer
    report_title: str
    report_subject: str
    report_opening: str
    recipients: tuple[str, ...]
    report_signer: Signer
    targets: tuple[Target, ...]
    certificate_issuer: Issuer
    serial: str
    qr: str
    certificate_signer: Signer
    certificates: Mapping[str, CertificateText]
    source: str = "grading/documents.yaml"

    def render(self, template: str, fields: Mapping[str, object]) -> str:
        """A template of this file filled in (NFC)."""
        return fill(template, fields)


@cache
def _environment() -> Any:
    from jinja2 import StrictUndefined
    from jinja2.sandbox import SandboxedEnvironment

    return SandboxedEnvironment(undefined=StrictUndefined, autoescape=False)


@cache
def _compiled(template: str) -> Any:
    return _environment().from_string(template)


def fill(template: str, fields: Mapping[str, object]) -> str:
    import unicodedata

    return unicodedata.normalize("NFC", _compiled(template).render(**fields)).strip()


class _Reader:
    """Reads keys of the YAML file, collecting every problem before failing once."""

    def __init__(self, source: str) -> None:
        self.source = source
        self.problems: list[str] = []

    def text(self, data: Mapping[str, Any], key: str, where: str, empty: bool = False) -> str:
        value = data.get(key, "")
        if not isinstance(value, (str, int, float)) or (not str(value).strip() and not empty):
            self.problems.append(f"{where}{key}: cần một dòng chữ.")
            return ""
        return " ".join(str(value).split())

    def lines(self, data: Mapping[str, Any], key: str, where: str) -> tuple[str, ...]:
        value = data.get(key, [])
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            self.problems.append(
                f"{where}{key}: cần một danh sách các dòng (mỗi dòng bắt đầu '- ')."
            )
            return ()
        return tuple(" ".join(v.split()) for v in value)

    def section(self, data: Mapping[str, Any], key: str, where: str = "") -> Mapping[str, Any]:
        value = data.get(key)
        if not isinstance(value, dict):
            self.problems.append(f"{where}{key}: thiếu mục này.")
            return {}
        return value

    def template(self, text: str, fields: Mapping[str, object], where: str) -> None:
        import re

        from jinja2 import TemplateError, TemplateSyntaxError, UndefinedError

        names = ", ".join(sorted(fields))
        try:
            fill(text, fields)
        except UndefinedError as error:
            found = re.search(r"'(\w+)' is undefined", str(error.message))
            field = found.group(1) if found else str(error.message)
            self.problems.append(
                f"{where}: không có ô '{{{{ {field} }}}}'. Các ô dùng được: {names}."
            )
        except TemplateSyntaxError as error:
            self.problems.append(
                f"{where}: viết sai mẫu ({error.message}); ô viết dạng {{{{ ho_ten }}}}."
            )
        except TemplateError as error:
            self.problems.append(f"{where}: {error}. Các ô dùng được: {names}.")

    def signer(self, data: Mapping[str, Any], where: str) -> Signer:
        section = self.section(data, "signer", where)
        return Signer(
            self.lines(section, "title", f"{where}signer."),
            self.text(section, "name", f"{where}signer.", empty=True),
        )

    def issuer(self, data: Mapping[str, Any], where: str) -> Issuer:
        section = self.section(data, "issuer", where)
        return Issuer(
            self.text(section, "parent", f"{where}issuer.", empty=True),
            self.text(section, "name", f"{where}issuer."),
            self.text(section, "abbreviation", f"{where}issuer.", empty=True),
        )


def parse_documents(raw: object, source: str) -> DocumentSettings:
    """Validate the file's plain data; every problem is listed at once."""
    if not isinstance(raw, dict):
        raise HoctapError(f"{source} không đúng dạng.", "Xem mẫu trong grading/documents.yaml.")
    read = _Reader(source)
    report = read.section(raw, "report")
    certificates = read.section(raw, "certificates")
    targets = []
    for index, item in enumerate(raw.get("targets") or []):
        where = f"targets[{index + 1}]."
        if not isinstance(item, dict):
            read.problems.append(f"{where[:-1]}: cần name, measure, target, source.")
            continue
        measure = read.text(item, "measure", where)
        if measure and not measure.startswith(TARGET_MEASURES):
            read.problems.append(
                f"{where}measure: '{measure}' không dùng được; ghi recognised_share:LOẠI_ĐƠN_VỊ "
                "hoặc self:TÊN."
            )
        value = item.get("target")
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 < value <= 100:
            read.problems.append(f"{where}target: cần một tỷ lệ phần trăm từ 1 đến 100.")
            value = 0
        targets.append(
            Target(
                read.text(item, "name", where),
                measure,
                float(value),
                read.text(item, "source", where),
            )
        )
    texts: dict[str, CertificateText] = {}
    for kind, fields in CERTIFICATE_FIELDS.items():
        where = f"certificates.{kind}."
        part = read.section(certificates, kind, "certificates.")
        text = CertificateText(
            read.text(part, "title", where),
            read.text(part, "subtitle", where, empty=True),
            read.text(part, "recipient", where),
            read.lines(part, "lines", where),
        )
        for name in ("title", "subtitle", "recipient"):
            read.template(getattr(text, name), fields, f"{where}{name}")
        for number, line in enumerate(text.lines, start=1):
            read.template(line, fields, f"{where}lines[{number}]")
        texts[kind] = text
    settings = DocumentSettings(
        place=read.text(raw, "place", ""),
        issuer=read.issuer(raw, ""),
        report_title=read.text(report, "title", "report."),
        report_subject=read.text(report, "subject", "report."),
        report_opening=read.text(report, "opening", "report.", empty=True),
        recipients=read.lines(report, "recipients", "report."),
        report_signer=read.signer(report, "report."),
        targets=tuple(targets),
        certificate_issuer=read.issuer(certificates, "certificates."),
        serial=read.text(certificates, "serial", "certificates."),
        qr=read.text(certificates, "qr", "certificates.", empty=True),
        certificate_signer=read.signer(certificates, "certificates."),
        certificates=texts,
        source=source,
    )
    read.template(settings.report_subject, REPORT_FIELDS, "report.subject")
    read.template(settings.report_opening, REPORT_FIELDS, "report.opening")
    read.template(settings.serial, SERIAL_FIELDS, "certificates.serial")
    read.template(settings.qr, QR_FIELDS, "certificates.qr")
    if read.problems:
        raise HoctapError(
            f"{source} có {len(read.problems)} chỗ cần sửa:\n"
            + "\n".join(f"  - {p}" for p in read.problems),
            "Sửa các dòng trên rồi chạy lại lệnh; chưa có văn bản nào được ghi.",
        )
    return settings


def documents_path() -> Path:
    from hoctap.settings import project_root

    root = project_root()
    if root is None:
        raise HoctapError("Không tìm thấy grading/documents.yaml.")
    return root / "grading" / "documents.yaml"


def load_documents(path: Path | None = None) -> DocumentSettings:
    """The settings of ``grading/documents.yaml`` (or another file)."""
    from hoctap.io.yamlfile import load_yaml

    path = path or documents_path()
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise HoctapError(f"Không đọc được {path}: {error.strerror}.") from error
    raw = load_yaml(text, path.name)
    return parse_documents(raw, path.name)
