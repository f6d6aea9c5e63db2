"""Texts split into SMS parts: GSM-7 or UCS-2, 160/70 characters alone, 153/67 per part with
a User Data Header, never cutting a character, and the texts kept to two parts."""

from __future__ import annotations

import pytest

from issues.sms import parts


def test_a_gsm_text_of_160_characters_is_one_part_without_header():
    encoded = parts.encode("a" * 160, reference=9)

    assert encoded.data_coding == 0 and encoded.parts == (b"a" * 160,)


def test_a_gsm_text_of_161_characters_is_two_parts_of_153_and_8_with_headers():
    encoded = parts.encode("a" * 161, reference=9)

    assert [len(part) - 6 for part in encoded.parts] == [153, 8]
    assert [part[:6] for part in encoded.parts] == [
        bytes([5, 0, 3, 9, 2, 1]),
        bytes([5, 0, 3, 9, 2, 2]),
    ]


def test_arabic_is_ucs2_70_characters_alone_and_67_per_part():
    assert parts.encode("ب" * 70, reference=1).parts == (("ب" * 70).encode("utf-16-be"),)

    encoded = parts.encode("ب" * 71, reference=1)

    assert encoded.data_coding == 8
    assert [len(part) - 6 for part in encoded.parts] == [134, 8]  # 67 and 4 characters


def test_one_character_outside_gsm_makes_the_whole_text_ucs2():
    assert parts.encoding_of("Signalement enregistré") == 0
    assert parts.encoding_of("Signalement reçu, clôturé") == 8


def test_a_gsm_escape_is_never_cut_between_two_parts():
    """€ takes two septets (escape + code): at the 153rd septet it moves to the next part."""
    encoded = parts.encode("a" * 152 + "€" + "b" * 10, reference=3)

    first, second = (part[6:] for part in encoded.parts)
    assert first == b"a" * 152
    assert second.startswith(b"\x1be")
    assert parts.decode(encoded.parts[1], 0, concatenated=True) == "€" + "b" * 10


def test_an_emoji_is_never_cut_between_two_parts():
    encoded = parts.encode("ب" * 66 + "🙂" + "ب" * 10, reference=3)

    assert [parts.decode(part, 8, concatenated=True) for part in encoded.parts] == [
        "ب" * 66,
        "🙂" + "ب" * 10,
    ]


def test_a_long_answer_is_shortened_to_two_parts_and_keeps_the_link():
    text = parts.fit(
        "Casa Map %(reference)s: %(text)s %(url)s",
        "Très longue réponse " * 40,
        reference="CM-2026-ABCDEF",
        url="https://casamap.ma/track/CM-2026-ABCDEF/",
    )

    assert parts.count_parts(text) == 2
    assert text.endswith("... https://casamap.ma/track/CM-2026-ABCDEF/")
    assert parts.count_parts(text.replace("...", "Très...")) > 2  # as long as fits


@pytest.mark.parametrize("answer", ["", "Réparé."])
def test_a_short_text_is_kept_whole(answer):
    text = parts.fit("Casa Map: %(text)s %(url)s", answer, url="https://casamap.ma/t/")

    assert text == f"Casa Map: {answer} https://casamap.ma/t/".replace("  ", " ")
