import datetime as dt

from caremarket.sourcing.engine.calendar import LONDON
from caremarket.sourcing.engine.rules import COUNCIL_TIMETABLE
from caremarket.sourcing.engine.scatter import mean_nearest_km
from caremarket.sourcing.engine.simulation import (
    Policy,
    Scenario,
    _Run,
    describe_models,
    draw_referrals,
    format_reports,
    simulate,
)

SCENARIO = Scenario(weeks=2, seed=3, start=dt.datetime(2026, 11, 2, 9, tzinfo=LONDON))


def test_every_policy_is_given_the_same_demand():
    reports = [simulate(SCENARIO, COUNCIL_TIMETABLE, policy=p) for p in Policy]
    assert len({r.packages for r in reports}) == 1
    assert [r.label for r in reports] == ["ranked", "round_fit", "partners"]


def test_only_the_partner_policy_offers_packages_to_a_partner_first():
    ranked = simulate(SCENARIO, COUNCIL_TIMETABLE, policy=Policy.RANKED)
    partners = simulate(SCENARIO, COUNCIL_TIMETABLE, policy=Policy.PARTNERS)
    assert ranked.partner_offers == 0
    # Personal care is about nine packages in ten, and every district quarter has a partner.
    assert 0.8 * partners.packages < partners.partner_offers < partners.packages
    assert 0 < partners.partner_placed <= partners.placed


def test_the_scatter_figure_is_market_insights_mean_nearest_distance():
    run = _Run(SCENARIO, COUNCIL_TIMETABLE, Policy.RANKED)
    run.schedule(draw_referrals(SCENARIO, COUNCIL_TIMETABLE))
    run.run()
    overall, by_district = run.scatter()
    # One district, one provider with several packages there: the same as the pure figure.
    groups: dict = {}
    for pkg in run.packages.values():
        if pkg.placed_with is not None and run.referrals[pkg.id].lot[0] == "Maldon":
            groups.setdefault(pkg.placed_with, []).append(run.referrals[pkg.id].point)
    sizes = [len(p) for p in groups.values() if len(p) > 1]
    means = [mean_nearest_km(p) for p in groups.values() if len(p) > 1]
    expected = sum(m * n for m, n in zip(means, sizes, strict=True)) / sum(sizes)
    assert abs(by_district["Maldon"] - expected) < 1e-9
    assert overall is not None and min(by_district.values()) <= overall


def test_round_fit_providers_take_packages_that_fit_more_often():
    run = _Run(SCENARIO, COUNCIL_TIMETABLE, Policy.ROUND_FIT)
    run.schedule(draw_referrals(SCENARIO, COUNCIL_TIMETABLE))
    ref = next(iter(run.heap)).data[0]
    run.referrals[ref.package_id] = ref
    model = SCENARIO.round_fit
    assert run._with_round_fit(1, ref.package_id, 0.4) == 0.4 * model.misfit_factor
    run.clients[1].append(ref.point)
    assert run._with_round_fit(1, ref.package_id, 0.4) == min(model.cap, 0.4 * model.fit_factor)


def test_the_report_shows_the_scatter_per_district_and_the_models_are_stated():
    text = format_reports([simulate(SCENARIO, COUNCIL_TIMETABLE, policy=p) for p in Policy])
    assert "scatter at the end, all (km)" in text and "scatter, Tendring (km)" in text
    assert "offered first to a partner" in text
    models = describe_models(SCENARIO)
    assert "x1.6 if it fits" in models and "accepting 70%" in models
