from caremarket.common.maps import project


def test_places_are_fitted_into_the_padded_box_north_up():
    # Chelmsford, Colchester and Harlow: east is right, north is up.
    chelmsford, colchester, harlow = project(
        [(51.7356, 0.4685), (51.8890, 0.9040), (51.7700, 0.0950)], width=640, height=480, pad=30
    )
    assert colchester[0] > chelmsford[0] > harlow[0]
    assert colchester[1] < chelmsford[1]  # further north, higher on the map
    xs = [chelmsford[0], colchester[0], harlow[0]]
    ys = [chelmsford[1], colchester[1], harlow[1]]
    assert min(xs) == 30 and max(xs) <= 610 and min(ys) >= 30 and max(ys) <= 450
    assert max(xs) == 610 or max(ys) == 450  # the wider span fills the box


def test_one_place_or_none():
    assert project([], width=100, height=100, pad=10) == []
    assert project([(51.7, 0.4)], width=100, height=100, pad=10) == [(10.0, 90.0)]
