"""The text normaliser: NFC/NFD, tone marks, TCVN3, VNI, mojibake, spacing, title case, folding."""

from __future__ import annotations

import unicodedata

import pytest

from hoctap.text import fold, format_int, normalize, person_name, split_name, syllables
from hoctap.text.legacy import Encoding, detect, from_tcvn3, from_vni


def nfd(text: str) -> str:
    return unicodedata.normalize("NFD", text)


# (what arrives, what is stored). Names of real Cao Bằng units and common real names.
NORMALIZE_CASES = [
    # NFC input stays; NFD (Windows VIE keyboard, macOS file names) is composed.
    ("Xã Hưng Đạo", "Xã Hưng Đạo"),
    (nfd("Xã Hưng Đạo"), "Xã Hưng Đạo"),
    (nfd("Nguyễn Thị Hòa"), "Nguyễn Thị Hòa"),
    (nfd("Phường Nùng Trí Cao"), "Phường Nùng Trí Cao"),
    # Two tone placements: one canonical form (as official documents write it).
    ("Xã Đàm Thuỷ", "Xã Đàm Thủy"),
    ("Xã Đàm Thủy", "Xã Đàm Thủy"),
    ("Xã Hoà An", "Xã Hòa An"),
    ("Xã Phục Hoà", "Xã Phục Hòa"),
    ("Khoẻ", "Khỏe"),
    ("Uỷ ban nhân dân", "Ủy ban nhân dân"),
    ("Tỉnh uỷ", "Tỉnh ủy"),
    (nfd("Xã Đàm Thuỷ"), "Xã Đàm Thủy"),
    ("HOÀ", "HÒA"),
    # Placements that are the same in both styles do not move.
    ("Hoàng", "Hoàng"),
    ("Quý", "Quý"),
    ("Xã Vinh Quý", "Xã Vinh Quý"),
    ("Thuyết", "Thuyết"),
    ("khuỷu", "khuỷu"),
    ("Xã Quảng Uyên", "Xã Quảng Uyên"),
    ("Xã Đoài Dương", "Xã Đoài Dương"),
    ("giữa", "giữa"),
    ("Trường", "Trường"),
    # A misplaced mark is moved to its vowel.
    ("Hòang", "Hoàng"),
    ("Tòan", "Toàn"),
    # TCVN3 (ABC, .VnTime): DOMAIN.md's own examples and real unit names.
    ("NguyÔn V¨n An", "Nguyễn Văn An"),
    ("Cao B»ng", "Cao Bằng"),
    ("X· H­ng §¹o", "Xã Hưng Đạo"),
    ("Ph­êng T©n Giang", "Phường Tân Giang"),
    ("Lª ThÞ BÐ", "Lê Thị Bé"),
    ("Hoµng V¨n Thô", "Hoàng Văn Thụ"),
    ("Së Gi¸o dôc vµ §µo t¹o", "Sở Giáo dục và Đào tạo"),
    ("Tuyªn truyÒn viªn", "Tuyên truyền viên"),
    # VNI.
    ("Nguyeãn Vaên An", "Nguyễn Văn An"),
    ("Xaõ Höng Ñaïo", "Xã Hưng Đạo"),
    ("Hoäi Khuyeán hoïc tænh", "Hội Khuyến học tỉnh"),
    ("Baùo caùo vieân", "Báo cáo viên"),
    ("Ngoâ Thò Nghóa", "Ngô Thị Nghĩa"),
    ("Hoà Vaên Nam", "Hồ Văn Nam"),
    # UTF-8 read as Windows-1252 and saved again.
    ("Nguyá»…n VÄƒn An", "Nguyễn Văn An"),
    ("XÃ£ HÆ°ng Ä\x90áº¡o", "Xã Hưng Đạo"),  # Đ is C4 90; 0x90 stays a control character
    ("Ã\xa0 Lá»¥c", "à Lục"),  # à is C3 A0: the no-break space is part of the letter
    # Spaces: trimmed and collapsed, odd spaces included.
    ("  Xã   Hưng\tĐạo  ", "Xã Hưng Đạo"),
    ("Nguyễn\u00a0Văn\u200b An", "Nguyễn Văn An"),
    ("\ufeffXã Lý Bôn", "Xã Lý Bôn"),
    ("", ""),
    (None, ""),
    # Unicode text that happens to fit in Latin-1 is left alone.
    ("Bé Tý", "Bé Tý"),
    ("Hoà", "Hòa"),
    ("Lý Văn Tô", "Lý Văn Tô"),
    ("Email: ai@example.com", "Email: ai@example.com"),
    # The Icelandic Eth is often typed for Đ; in TCVN3 the same character is "é".
    ("Ðào Thị Hà", "Đào Thị Hà"),
    ("Xã Ðàm Thủy", "Xã Đàm Thủy"),
    ("Ðào", "Đào"),
]


@pytest.mark.parametrize(("raw", "stored"), NORMALIZE_CASES)
def test_normalize(raw: str | None, stored: str) -> None:
    result = normalize(raw)
    assert result == stored
    assert unicodedata.is_normalized("NFC", result)


@pytest.mark.parametrize(("raw", "stored"), NORMALIZE_CASES)
def test_normalize_is_idempotent(raw: str | None, stored: str) -> None:
    assert normalize(normalize(raw)) == normalize(raw)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Hoà", "Hòa"),
        ("Thuỷ", "Thủy"),
        ("Khoẻ", "Khỏe"),
        ("Xã Đàm Thuỷ", nfd("Xã Đàm Thủy")),
        ("NguyÔn V¨n An", "Nguyễn Văn An"),
        ("Nguyeãn Vaên An", nfd("Nguyễn Văn An")),
    ],
)
def test_variants_compare_equal(a: str, b: str) -> None:
    assert normalize(a) == normalize(b)


@pytest.mark.parametrize(
    ("raw", "name"),
    [
        ("NGUYỄN VĂN AN", "Nguyễn Văn An"),
        ("nguyễn thị hoà", "Nguyễn Thị Hòa"),
        ("đặng   thị   ánh", "Đặng Thị Ánh"),
        ("ĐÀM THỊ THUỶ", "Đàm Thị Thủy"),
        ("NguyÔn V¨n An", "Nguyễn Văn An"),
        ("NGUYÔN V¡N AN", "Nguyễn Văn An"),  # TCVN3 typed in the capital font .VnTimeH
        ("lục văn ưng", "Lục Văn Ưng"),
        ("hoàng a-pao", "Hoàng A-Pao"),
    ],
)
def test_person_name(raw: str, name: str) -> None:
    assert person_name(raw) == name


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("Nguyễn Văn An", "nguyen van an"),
        ("NGUYỄN VĂN AN", "nguyen van an"),
        ("nguyen van an", "nguyen van an"),
        (nfd("Nguyễn Văn An"), "nguyen van an"),
        ("Đặng Thị Đào", "dang thi dao"),
        ("Đài Phát thanh – Truyền hình tỉnh", "dai phat thanh truyen hinh tinh"),
        ("Sở GD&ĐT", "so gd dt"),
        ("Xã Đàm Thuỷ", "xa dam thuy"),
    ],
)
def test_fold(text: str, key: str) -> None:
    assert fold(text) == key


@pytest.mark.parametrize(
    ("text", "encoding"),
    [
        ("NguyÔn V¨n An", "tcvn3"),
        ("Nguyeãn Vaên An", "vni"),
        ("Nguyá»…n VÄƒn An", "utf8-as-cp1252"),
        ("Nguyễn Văn An", "unicode"),
        ("Bé Tý", "unicode"),
        ("Nguyen Van An", "unicode"),
    ],
)
def test_detect(text: str, encoding: str) -> None:
    assert detect(text) == encoding


def test_ambiguous_text_follows_the_file_else_stays_as_typed() -> None:
    # "Ma Thò Lan" is valid Unicode and valid VNI (Ma Thị Lan); "Hoà" is Unicode Hòa, VNI Hồ.
    assert normalize("Ma Thò Lan") == "Ma Thò Lan"
    assert normalize("Ma Thò Lan", prefer="vni") == "Ma Thị Lan"
    assert normalize("Hoà") == "Hòa"
    assert normalize("Hoà", prefer="vni") == "Hồ"


@pytest.mark.parametrize("prefer", ["unicode", "tcvn3", "vni"])
def test_text_valid_only_as_typed_is_never_converted(prefer: Encoding) -> None:
    # Whatever the file: these read as valid Vietnamese only as they are.
    assert normalize("Phóng viên", prefer) == "Phóng viên"  # VNI would give "Phĩng"
    assert normalize("Nguyễn Văn An", prefer) == "Nguyễn Văn An"
    assert normalize("Nguyen Van An", prefer) == "Nguyen Van An"


def test_tables_cover_every_vietnamese_letter() -> None:
    letters = set("àáảãạăằắẳẵặâầấẩẫậđèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵ")
    tcvn3 = set(from_tcvn3("".join(chr(b) for b in range(0xA1, 0x100))))
    assert letters <= tcvn3
    vni_sample = (
        "aø aù aû aõ aï aê aè aé aú aü aë aâ aà aá aå aã aä ñ eø eù eû eõ eï eâ eà eá eå eã eä"
    )
    vni_sample += " ì í æ ó ò oø où oû oõ oï oâ oà oá oå oã oä ô ôø ôù ôû ôõ ôï uø uù uû uõ uï"
    vni_sample += " ö öø öù öû öõ öï yø yù yû yõ î"
    assert letters <= set(from_vni(vni_sample).replace(" ", ""))


@pytest.mark.parametrize(
    ("word", "valid"),
    [
        ("nghĩa", True),
        ("nghóa", False),
        ("kem", True),
        ("cem", False),
        ("gìn", True),
        ("hòa", True),
        ("hoà", True),
        ("hóat", False),
        ("vaên", False),
        ("bát", True),
        ("bàt", False),  # a stop final takes only sắc or nặng
        ("xyz", False),
        ("phĩng", False),  # -ng never follows i: "tinh", not "ting"
        ("phóng", True),
        ("huynh", True),
        ("oanh", True),
        ("honh", False),
    ],
)
def test_syllable_validity(word: str, valid: bool) -> None:
    assert syllables.is_valid(word) is valid


def test_split_name() -> None:
    assert split_name("Nguyễn Thị Minh Khai") == ("Nguyễn", "Thị Minh", "Khai")
    assert split_name("Lục An") == ("Lục", "", "An")
    assert split_name("An") == ("", "", "An")


def test_format_int() -> None:
    assert format_int(5000) == "5.000"
    assert format_int(56) == "56"
