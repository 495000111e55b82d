"""How many digits a UK number has, by range, from Ofcom's National Telephone Numbering Plan.

``phonenumbers`` checks only the lengths any GB number may have (7, 9 or 10
digits after the 0), so a London number one digit short or ``01709 82`` pass
as "possible". This table knows the length of each range instead. Lengths
count the national significant number: the digits after the leading 0 (or
after +44).

- 01 and 02 geographic numbers have 10 digits after the 0 (020 xxxx xxxx,
  0113 xxx xxxx, 01709 xxxxxx, 015396 xxxxx), except in the areas below that
  still hold some 9-digit numbers (01xxx xxxxx, and 016977 xxxx).
- 03, 055, 056, 07 (mobiles, pagers, personal numbers), 08 and 09 have 10.
- 0800 has 9 or 10, plus the single 7-digit number 0800 1111 (Childline).
- 04, 06 and the rest of 05 are not designated; 0500 was withdrawn in 2017.

Ofcom's drama numbers (01632 960xxx, 020 7946 0xxx, 07700 900xxx, ...) follow
the same lengths, so they pass here; ``phonenumbers`` then calls them
possible but unallocated.
"""

from __future__ import annotations

from dataclasses import dataclass

# Four-digit area codes with some five-digit local numbers (the "4+5" areas),
# from Ofcom's code list as libphonenumber's GB data records it; 01208 is kept
# from the earlier published list, since refusing a number that works is worse
# than letting through one that does not.
_FOUR_PLUS_FIVE = frozenset({
    "1204", "1208", "1254", "1276", "1297", "1298", "1363", "1364", "1384", "1386",
    "1404", "1420", "1460", "1461", "1480", "1488", "1524", "1527", "1562", "1566",
    "1606", "1629", "1635", "1647", "1659", "1695", "1726", "1744", "1750", "1768",
    "1827", "1837", "1884", "1900", "1905", "1935", "1946", "1949", "1963", "1995",
})
# Five-digit area codes sharing their first four digits with a four-digit code
# (Langholm, Hornby, Hawkshead, Grange-over-Sands, Sedbergh, Wigton, Raughton
# Head, Brampton, Appleby, Pooley Bridge, Keswick, Gosforth): 5 + 5 digits,
# except Brampton, which also has 4-digit local numbers.
_FIVE_DIGIT_CODES = frozenset({
    "13873", "15242", "15394", "15395", "15396", "16973", "16974", "16977",
    "17683", "17684", "17687", "19467",
})
_BRAMPTON = "16977"
_TWO_DIGIT_CODES = frozenset({"20", "23", "24", "28", "29"})
_CHILDLINE = "8001111"

_TEN = (10,)
_NINE_OR_TEN = (9, 10)


@dataclass(frozen=True)
class UkRange:
    """The range a UK number falls in, as people write its start, and its lengths."""

    start: str  # with the leading 0: "01709", "020", "07", "0800"
    lengths: tuple[int, ...]  # digits after the 0; empty when nothing in the range works
    geographic: bool = False
    closed: str | None = None  # why no number here can be called

    def describe(self) -> str:
        """'numbers in 01709 have 11 digits', 'numbers starting 0800 have 10 or 11 digits'."""
        where = f"in {self.start}" if self.geographic else f"starting {self.start}"
        counts = " or ".join(str(n + 1) for n in self.lengths)
        return f"numbers {where} have {counts} digits"


def uk_range(nsn: str) -> UkRange | None:
    """The range of ``nsn`` (the digits after the 0 or +44), None when empty."""
    if not nsn:
        return None
    first = nsn[0]
    if first == "1":
        return _geographic(nsn)
    if first == "2":
        code = nsn[:2]
        if code in _TWO_DIGIT_CODES:
            return UkRange(f"0{code}", _TEN, geographic=True)
        return UkRange("02", _TEN)
    if first in "379":
        return UkRange(f"0{first}", _TEN)
    if first == "8":
        if nsn.startswith("800"):
            return UkRange("0800", _NINE_OR_TEN)
        # Too few digits to tell 0800 from the rest of 08.
        return UkRange("08", _NINE_OR_TEN if "800".startswith(nsn) else _TEN)
    if first == "5":
        return _five(nsn)
    return UkRange(f"0{first}", (), closed="are not in use")


def length_fits(nsn: str, found: UkRange) -> bool:
    return len(nsn) in found.lengths or nsn == _CHILDLINE


def _geographic(nsn: str) -> UkRange:
    if len(nsn) >= 3 and "1" in (nsn[1], nsn[2]):  # 011x and 01x1: the big cities
        return UkRange(f"0{nsn[:3]}", _TEN, geographic=True)
    if len(nsn) < 4:  # too few digits to name the area
        return UkRange("01", _NINE_OR_TEN)
    five = nsn[:5]
    if five == _BRAMPTON:
        return UkRange(f"0{five}", _NINE_OR_TEN, geographic=True)
    if five in _FIVE_DIGIT_CODES:
        return UkRange(f"0{five}", _TEN, geographic=True)
    four = nsn[:4]
    return UkRange(f"0{four}", _NINE_OR_TEN if four in _FOUR_PLUS_FIVE else _TEN,
                   geographic=True)


def _five(nsn: str) -> UkRange:
    if nsn.startswith("500"):
        return UkRange("0500", (), closed="were withdrawn in 2017")
    if len(nsn) < 2:
        return UkRange("05", _TEN)
    if nsn[:2] in ("55", "56"):  # corporate and location-independent numbers
        return UkRange(f"0{nsn[:2]}", _TEN)
    return UkRange(f"0{nsn[:2]}", (), closed="are not in use")
