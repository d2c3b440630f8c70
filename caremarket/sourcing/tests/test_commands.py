import io

from django.core.management import call_command


def test_simulate_sourcing_reports_two_timetables_side_by_side():
    out = io.StringIO()
    call_command(
        "simulate_sourcing", "--weeks", "1", "--seed", "4", "--compare", "continuous", stdout=out
    )
    text = out.getvalue()
    assert "council" in text and "continuous" in text
    assert "median time to source" in text and "placed via tier1" in text


def test_simulate_sourcing_compares_the_three_policies_and_states_the_models():
    out = io.StringIO()
    call_command("simulate_sourcing", "--weeks", "1", "--policies", "all", stdout=out)
    text = out.getvalue()
    assert "council, ranked" in text and "council, round_fit" in text
    assert "council, partners" in text and "scatter at the end" in text
    assert "Model: round fit" in text


def test_simulate_sourcing_refuses_an_unknown_policy_naming_it():
    err = io.StringIO()
    call_command("simulate_sourcing", "--policies", "ranked,cheapest", stderr=err)
    assert "--policies: cheapest is not a policy" in err.getvalue()
