import pytest
from hypothesis import given
from hypothesis import strategies as st

from caremarket.common.errors import ValidationFailed
from caremarket.geography.postcodes import distance_km, outward_code_of, postcode_normalise


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("cm11qh", "CM1 1QH"),
        (" CM1  1QH ", "CM1 1QH"),
        ("co15 1aa", "CO15 1AA"),
        ("SS0 7AA", "SS0 7AA"),
    ],
)
def test_postcodes_are_normalised(raw, expected):
    assert postcode_normalise(raw) == expected


@pytest.mark.parametrize("raw", ["", "CM1", "12345", "CM1 1Q", "CMM1 1QH", "CM1 QH1"])
def test_malformed_postcodes_get_a_clear_error(raw):
    with pytest.raises(ValidationFailed) as exc:
        postcode_normalise(raw)
    assert "is not a valid UK postcode" in exc.value.errors["postcode"][0]


@given(st.text(max_size=12))
def test_normalise_either_returns_a_postcode_or_raises_validation(text):
    try:
        result = postcode_normalise(text)
    except ValidationFailed:
        return
    assert result == postcode_normalise(result)
    assert " " in result


def test_outward_code():
    assert outward_code_of("cm3 4ab") == "CM3"
    assert outward_code_of("CO15") == "CO15"


def test_distance_chelmsford_to_colchester_is_about_33_km():
    assert distance_km(51.7356, 0.4685, 51.8892, 0.9042) == pytest.approx(34.2, abs=1.0)
