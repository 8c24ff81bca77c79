"""The 全銀協 (Zengin) 総合振込 transfer file: 120-byte fixed-length records in Shift_JIS
(JIS X 0201: digits, upper-case letters, half-width katakana, a few symbols).

    1 header   依頼人 (the vendor), 取組日 (the transfer date)
    2 data     one per payee: bank, branch, account, holder name, amount
    8 trailer  count and total of the data records
    9 end

Numeric fields (N) are right-aligned and zero-filled, character fields (C) left-aligned and
space-filled. The format itself has no record separator (a 120-byte record length); the
banks' upload services accept records separated by CR LF as well, and most of them ask for
it, so each record is followed by CR LF (`newline=False` writes the bare format).
"""

import unicodedata
from dataclasses import dataclass
from datetime import date

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

RECORD_LENGTH = 120
ENCODING = "cp932"  # Shift_JIS as Windows writes it; identical for the characters allowed

# Half-width katakana that may appear in a name (JIS X 0201, without ｦ and the small kana,
# which banks do not accept in 受取人名), the voiced marks, and the symbols the format allows.
KANA = "ｱｲｳｴｵｶｷｸｹｺｻｼｽｾｿﾀﾁﾂﾃﾄﾅﾆﾇﾈﾉﾊﾋﾌﾍﾎﾏﾐﾑﾒﾓﾔﾕﾖﾗﾘﾙﾚﾛﾜﾝﾞﾟ"
ALLOWED = frozenset("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ" + KANA + " ().-/,｢｣\\")
# Small kana are written large and the long vowel mark as a hyphen, as banks do.
SMALL_TO_LARGE = str.maketrans("ｧｨｩｪｫｬｭｮｯｰ", "ｱｲｳｴｵﾔﾕﾖﾂ-")


def _full_to_half_table() -> dict[str, str]:
    """Full-width katakana (and the long vowel mark) -> half-width, built from Unicode's own
    compatibility mappings (half-width ｶﾞ is the compatibility form of ガ)."""
    table: dict[str, str] = {}
    for code in range(0xFF61, 0xFFA0):
        half = chr(code)
        table.setdefault(unicodedata.normalize("NFKC", half), half)
        for mark in "ﾞﾟ":
            composed = unicodedata.normalize("NFKC", half + mark)
            if len(composed) == 1:
                table.setdefault(composed, half + mark)
    table["ヴ"] = "ｳﾞ"
    table["　"] = " "
    return table


FULL_TO_HALF = _full_to_half_table()


def to_zengin_kana(value: str) -> str:
    """What a person types for an account holder's name (full- or half-width katakana, letters,
    digits) in the characters of the format: half-width, upper case, small kana made large."""
    text = unicodedata.normalize("NFKC", value or "")  # full-width letters, digits, spaces
    text = "".join(FULL_TO_HALF.get(ch, ch) for ch in text)
    text = "".join(FULL_TO_HALF.get(ch, ch) for ch in unicodedata.normalize("NFKC", text))
    text = text.upper().translate(SMALL_TO_LARGE)
    return " ".join(text.split())


def validate_zengin_text(value: str) -> None:
    bad = sorted({ch for ch in value if ch not in ALLOWED})
    if bad:
        raise ValidationError(
            _(
                "These characters cannot be sent to the bank: %(chars)s. Use katakana, A-Z, 0-9 and ( ) . - / ,"
            )
            % {"chars": " ".join(bad)},
            code="zengin_chars",
        )


def _n(value: int | str, width: int) -> str:
    text = str(value)
    if not text.isdigit() or len(text) > width:
        raise ValueError(f"{value!r} does not fit N({width})")
    return text.zfill(width)


def _c(value: str, width: int) -> str:
    validate_zengin_text(value)
    return value[:width].ljust(width)


@dataclass(frozen=True)
class Originator:
    """The vendor's side of the header: its bank's 委託者コード and its own account."""

    code: str  # 10 digits, given by the bank
    name: str  # half-width katakana, 40 characters
    bank_code: str
    bank_name: str
    branch_code: str
    branch_name: str
    account_type: str  # "1" 普通, "2" 当座
    account_number: str


@dataclass(frozen=True)
class Transfer:
    bank_code: str
    bank_name: str
    branch_code: str
    branch_name: str
    account_type: str
    account_number: str
    holder: str
    amount: int
    customer_code: str = ""  # our reference (the statement's number), 10 digits


def header(originator: Originator, transfer_date: date) -> str:
    return (
        "1"  # データ区分: header
        + "21"  # 種別コード: 総合振込
        + "0"  # コード区分: JIS (Shift_JIS)
        + _n(originator.code, 10)
        + _c(originator.name, 40)
        + transfer_date.strftime("%m%d")
        + _n(originator.bank_code, 4)
        + _c(originator.bank_name, 15)
        + _n(originator.branch_code, 3)
        + _c(originator.branch_name, 15)
        + _n(originator.account_type, 1)
        + _n(originator.account_number, 7)
        + " " * 17
    )


def data(transfer: Transfer) -> str:
    return (
        "2"
        + _n(transfer.bank_code, 4)
        + _c(transfer.bank_name, 15)
        + _n(transfer.branch_code, 3)
        + _c(transfer.branch_name, 15)
        + " " * 4  # 手形交換所番号: not used
        + _n(transfer.account_type, 1)
        + _n(transfer.account_number, 7)
        + _c(transfer.holder, 30)
        + _n(transfer.amount, 10)
        + "0"  # 新規コード: none
        + _n(transfer.customer_code or "0", 10)  # 顧客コード1
        + "0" * 10  # 顧客コード2
        + " "  # 振込指定区分: the bank's default
        + " "  # 識別表示: customer codes, not EDI
        + " " * 7
    )


def trailer(count: int, total: int) -> str:
    return "8" + _n(count, 6) + _n(total, 12) + " " * 101


def end() -> str:
    return "9" + " " * 119


def transfer_file(
    originator: Originator, transfer_date: date, transfers: list[Transfer], *, newline: bool = True
) -> bytes:
    records = [
        header(originator, transfer_date),
        *(data(t) for t in transfers),
        trailer(len(transfers), sum(t.amount for t in transfers)),
        end(),
    ]
    out = []
    for record in records:
        encoded = record.encode(ENCODING)
        if len(encoded) != RECORD_LENGTH:
            raise ValueError(f"record of {len(encoded)} bytes: {record!r}")
        out.append(encoded + (b"\r\n" if newline else b""))
    return b"".join(out)
