import pytest

from caremarket.common.spreadsheets import safe_cell


@pytest.mark.parametrize("text", ["=SUM(A1)", "+1", "-2+3", "@cmd", "\tx"])
def test_text_starting_with_a_formula_character_is_neutralised(text):
    assert safe_cell(text) == "'" + text


def test_numbers_and_plain_text_are_left_alone():
    assert safe_cell(-5) == -5
    assert safe_cell("Chelmsford") == "Chelmsford"
