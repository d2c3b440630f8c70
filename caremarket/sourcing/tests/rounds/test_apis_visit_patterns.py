"""A package's visit pattern in the API: read back as stored, written as calls by day."""


def test_old_free_text_patterns_stay_readable(world, sourcing):
    package = sourcing.package(world.broker, visit_pattern="Morning and evening, flexible")
    response = world.client_for(world.broker).get(f"/api/v1/packages/{package.pk}/visit-pattern")
    assert response.status_code == 200
    assert response.json() == {
        "package_reference": package.reference,
        "hours_per_week": "10.50",
        "visit_pattern": "Morning and evening, flexible",
        "structured": False,
        "calls": [],
    }


def test_the_api_takes_calls_by_day_and_refuses_unknown_days(world, sourcing):
    package = sourcing.package(world.broker)
    client = world.client_for(world.broker)
    url = f"/api/v1/packages/{package.pk}/visit-pattern"
    bad = client.put(
        url,
        {"calls": [{"days": ["Mon", "Funday"], "start": "09:00", "minutes": 30}]},
        content_type="application/json",
    )
    assert bad.status_code == 422 and "not Funday" in bad.content.decode()
    ok = client.put(
        url,
        {
            "calls": [
                {"days": ["mon", "Tue", "wednesday"], "start": "07:30", "minutes": 45, "carers": 2},
                {"days": ["Sat", "Sun"], "start": "09:00", "minutes": 60},
            ],
            "hours_per_week": "6.50",
        },
        content_type="application/json",
    )
    assert ok.status_code == 200, ok.content
    body = ok.json()
    assert body["hours_per_week"] == "6.50" and body["structured"] is True
    assert [(c["day"], c["start"], c["carers"]) for c in body["calls"]][:2] == [
        ("Monday", "07:30:00", 2),
        ("Tuesday", "07:30:00", 2),
    ]
    wrong = client.put(
        url,
        {"calls": [{"days": ["Mon"], "start": "09:00", "minutes": 30}], "hours_per_week": "1"},
        content_type="application/json",
    )
    assert wrong.status_code == 422 and "0.50 hours fewer" in wrong.content.decode()
