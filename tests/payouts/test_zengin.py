"""The 全銀 総合振込 file, byte by byte against a record set written out by hand."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError

from payouts import zengin

ORIGINATOR = zengin.Originator(
    code="1234567890",
    name="ｶ)ﾍﾞﾝﾀﾞ-",
    bank_code="0005",
    bank_name="ﾐﾂﾋﾞｼﾕ-ｴﾌｼﾞｴｲ",
    branch_code="001",
    branch_name="ﾎﾝﾃﾝ",
    account_type="1",
    account_number="1234567",
)
TRANSFERS = [
    zengin.Transfer("0009", "ﾐﾂｲｽﾐﾄﾓ", "123", "ｼﾌﾞﾔ", "1", "0012345", "ｶ)ﾊﾟ-ﾄﾅ-ｼﾖｳｼﾞ", 110_000, "0000000042"),
    zengin.Transfer("0001", "", "002", "", "2", "7654321", "ﾔﾏﾀﾞ ﾀﾛｳ", 5_500, "0000000043"),
]

# Written field by field from the format (not by the code under test): N right-aligned and
# zero-filled, C left-aligned and space-filled.
EXPECTED = [
    # 1 | 21 | 0 | 委託者コード | 依頼人名 (40) | 取組日 MMDD | 銀行 | 銀行名 (15) | 支店 | 支店名 (15) | 種目 | 口座 | ダミー (17)
    "1"
    "21"
    "0"
    "1234567890"
    "ｶ)ﾍﾞﾝﾀﾞ-" + " " * 32 + "1225"
    "0005"
    "ﾐﾂﾋﾞｼﾕ-ｴﾌｼﾞｴｲ" + " " * 2 + "001"
    "ﾎﾝﾃﾝ" + " " * 11 + "1"
    "1234567" + " " * 17,
    # 2 | 銀行 | 銀行名 | 支店 | 支店名 | 手形交換所 (4) | 種目 | 口座 | 受取人 (30) | 金額 (10) | 新規 | 顧客1 | 顧客2 | 指定 | 識別 | ダミー (7)
    "2"
    "0009"
    "ﾐﾂｲｽﾐﾄﾓ" + " " * 8 + "123"
    "ｼﾌﾞﾔ" + " " * 11 + "    "
    "1"
    "0012345"
    "ｶ)ﾊﾟ-ﾄﾅ-ｼﾖｳｼﾞ" + " " * 17 + "0000110000"
    "0"
    "0000000042"
    "0000000000"
    " "
    " " + " " * 7,
    "2"
    "0001" + " " * 15 + "002" + " " * 15 + "    "
    "2"
    "7654321"
    "ﾔﾏﾀﾞ ﾀﾛｳ" + " " * 22 + "0000005500"
    "0"
    "0000000043"
    "0000000000"
    " "
    " " + " " * 7,
    # 8 | 件数 (6) | 金額 (12) | ダミー (101)
    "8000002000000115500" + " " * 101,
    "9" + " " * 119,
]


def test_the_file_matches_the_hand_written_records():
    content = zengin.transfer_file(ORIGINATOR, date(2026, 12, 25), TRANSFERS)
    expected = b"".join(record.encode("cp932") + b"\r\n" for record in EXPECTED)
    assert content == expected
    records = content.split(b"\r\n")[:-1]
    assert [len(r) for r in records] == [120] * 5
    # Half-width katakana are single bytes of JIS X 0201 (0xA1-0xDF): ｶ is 0xB6.
    assert records[0][14:15] == b"\xb6"
    assert records[1][0:1] == b"2" and records[3][0:1] == b"8" and records[4][0:1] == b"9"


def test_without_separators_each_record_is_120_bytes():
    content = zengin.transfer_file(ORIGINATOR, date(2026, 12, 25), TRANSFERS, newline=False)
    assert len(content) == 5 * 120


@pytest.mark.parametrize(
    "typed,stored",
    [
        ("カ）パートナー　ショウジ", "ｶ)ﾊﾟ-ﾄﾅ- ｼﾖｳｼﾞ"),
        ("ｶ)ﾊﾟｰﾄﾅｰｼｮｳｼﾞ", "ｶ)ﾊﾟ-ﾄﾅ-ｼﾖｳｼﾞ"),
        ("ヴィクトリー abc", "ｳﾞｲｸﾄﾘ- ABC"),
        ("ヤマダ　タロウ", "ﾔﾏﾀﾞ ﾀﾛｳ"),
    ],
)
def test_names_are_converted_to_the_banks_characters(typed, stored):
    assert zengin.to_zengin_kana(typed) == stored
    zengin.validate_zengin_text(stored)


@pytest.mark.parametrize("value", ["山田太郎", "ﾔﾏﾀﾞ@", "ｦｶﾞｸ", "<script>"])
def test_other_characters_are_refused(value):
    with pytest.raises(ValidationError):
        zengin.validate_zengin_text(zengin.to_zengin_kana(value))


def test_a_value_that_does_not_fit_is_an_error():
    too_much = zengin.Transfer("0009", "", "123", "", "1", "0012345", "ﾀﾛｳ", 10**10)
    with pytest.raises(ValueError):
        zengin.transfer_file(ORIGINATOR, date(2026, 12, 25), [too_much])
