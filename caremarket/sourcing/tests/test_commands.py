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
