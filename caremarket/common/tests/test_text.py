from caremarket.common.text import counted


def test_one_of_a_thing_is_singular():
    assert counted(1, "unoccupied room") == "1 unoccupied room"


def test_none_and_many_are_plural():
    assert counted(0, "room") == "0 rooms"
    assert counted(2, "unoccupied room") == "2 unoccupied rooms"


def test_an_irregular_plural_is_given():
    assert counted(3, "person", "people") == "3 people"
    assert counted(1, "person", "people") == "1 person"
