"""Masking of requesters' personal data in lists and registers (PIPL: show only what is needed).

Lists show 张* and 138****5678; the full value is on the case page, for those who may open it.
Pure functions: given a string, return the masked string.
"""

import re

MASK = "*"
# Names this long are usually units (某某有限公司): keep both ends so the desk still recognises it.
_LONG_NAME = 5
_DIGIT = re.compile(r"\d")


def mask_name(value: str) -> str:
    """张三 → 张*, 欧阳修 → 欧**, 济南某某餐饮有限公司 → 济南******公司; empty stays empty."""
    name = (value or "").strip()
    if not name:
        return ""
    if len(name) == 1:
        return MASK
    if len(name) < _LONG_NAME:
        return name[0] + MASK * (len(name) - 1)
    return name[:2] + MASK * (len(name) - 4) + name[-2:]


def mask_phone(value: str) -> str:
    """13812345678 → 138****5678, 0531-86012345 → 0531-****2345; separators are kept.

    The last four digits stay (people recognise their number by them) and so does the prefix:
    the first three digits of a mobile or the area code before a hyphen. Short numbers keep
    only their last two digits.
    """
    phone = (value or "").strip()
    positions = [match.start() for match in _DIGIT.finditer(phone)]
    if not positions:
        return phone
    digits = set(positions)
    if len(positions) < 7:
        keep = set(positions[-2:])
    else:
        keep = set(positions[-4:])
        if "-" in phone and phone.index("-") < positions[-4]:
            keep |= {pos for pos in positions if pos < phone.index("-")}
        else:
            keep |= set(positions[:3])
    return "".join(
        char if index in keep or index not in digits else MASK for index, char in enumerate(phone)
    )


def mask_id_number(value: str) -> str:
    """110101199003071234 → 1101**********1234: the region's first four and the last four stay."""
    number = (value or "").strip()
    if not number:
        return ""
    if len(number) <= 8:
        return MASK * len(number)
    return number[:4] + MASK * (len(number) - 8) + number[-4:]


def mask_address(value: str) -> str:
    """济南市历下区泉城路1号 → 济南市历下区****: city and district (six characters) stay."""
    address = (value or "").strip()
    if not address:
        return ""
    return address[:6] + MASK * 4 if len(address) > 6 else address[:1] + MASK * 3
