"""Pure rules: taboo phrase matching after normalisation, phone and ID number checks."""

import pytest
from django.core.exceptions import ValidationError

from inquiries.taboo import taboo_hits
from inquiries.validators import (
    normalize_id_number,
    normalize_phone,
    validate_id_number,
    validate_phone,
)

PHRASES = ["不知道", "不归我管", "你问我，我问谁", "材料不全，回去准备齐了再来"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("这个我不知道。", ["不知道"]),
        ("不 归 我 管", ["不归我管"]),  # spaces do not hide a phrase
        ("你问我,我问谁?", ["你问我，我问谁"]),  # half-width punctuation matches full-width
        ("材料不全 回去准备齐了再来！", ["材料不全，回去准备齐了再来"]),
        ("已告知申请人所需材料清单。", []),
        ("", []),
        ("不知道，不归我管", ["不知道", "不归我管"]),
    ],
)
def test_taboo_phrases_are_found_after_normalising(text, expected):
    assert taboo_hits(text, PHRASES) == expected


@pytest.mark.parametrize(
    ("raw", "normalised"),
    [
        ("１３８ １２３４ ５６７８", "13812345678"),
        ("(0531)86012345", "053186012345"),
        ("0531－86012345", "0531-86012345"),
        ("  ", ""),
    ],
)
def test_phone_numbers_are_normalised(raw, normalised):
    assert normalize_phone(raw) == normalised


@pytest.mark.parametrize("phone", ["13812345678", "0531-86012345", "12345", "+86 13812345678"])
def test_valid_phone_numbers_pass(phone):
    validate_phone(normalize_phone(phone))


@pytest.mark.parametrize("phone", ["abc", "1234", "12012345678", "138-xxxx-5678"])
def test_invalid_phone_numbers_are_refused_with_a_message(phone):
    with pytest.raises(ValidationError) as error:
        validate_phone(normalize_phone(phone))
    assert error.value.messages


def test_an_id_number_with_a_correct_check_digit_passes_after_folding_full_width():
    # 11010519491231002X is the standard's worked example.
    validate_id_number(normalize_id_number("１１０１０５１９４９１２３１００２ｘ"))


@pytest.mark.parametrize(
    ("value", "code"),
    [("110105194912310021", "invalid_id_check"), ("11010519491231", "invalid_id")],
)
def test_a_wrong_id_number_is_refused(value, code):
    with pytest.raises(ValidationError) as error:
        validate_id_number(value)
    assert error.value.code == code
