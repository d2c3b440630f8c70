def test_districts_are_public_and_list_the_twelve(client, db):
    response = client.get("/api/v1/districts")
    assert response.status_code == 200
    districts = response.json()
    assert len(districts) == 12
    assert {
        "code": "E07000070",
        "name": "Chelmsford",
        "locality": "Mid Essex",
        "in_council_area": True,
    } in districts


def test_postcode_lookup_reports_precision(client, db):
    body = client.get("/api/v1/postcodes/CO15%201ZZ").json()
    assert body["exact"] is False and body["district"]["name"] == "Tendring"


def test_malformed_postcode_answers_422_with_the_field(client, db):
    response = client.get("/api/v1/postcodes/NOPE")
    assert response.status_code == 422
    assert "not a valid UK postcode" in response.json()["errors"]["postcode"][0]


def test_unknown_outward_code_answers_404(client, db):
    assert client.get("/api/v1/postcodes/ZE1%201AA").status_code == 404
