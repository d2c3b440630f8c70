from caremarket.sourcing.engine.scatter import km_between, mean_nearest_km


def test_mean_nearest_distance_of_a_round():
    # Three packages on a line 1 km apart at Chelmsford's latitude.
    step = 1 / 110.574
    pts = [(51.73, 0.47), (51.73 + step, 0.47), (51.73 + 3 * step, 0.47)]
    # Nearest others: 1, 1 and 2 km.
    assert round(mean_nearest_km(pts), 3) == round(4 / 3, 3)
    assert mean_nearest_km(pts[:1]) is None
    assert round(km_between(pts[0], pts[1]), 3) == 1.0
