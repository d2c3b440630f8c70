"""The KPI pages: the risk-flag list and its filters (the same filters in the API)."""

from caremarket.monitoring.tests.conftest import missing_and_late


def test_the_flag_list_filters_by_provider_kind_and_period(ehm, client):
    missing_and_late(ehm)
    client.force_login(ehm.world.contract_manager)

    def lines(query: str) -> list[str]:
        html = client.get(f"/monitoring/flags/{query}").content.decode()
        body = html.split('<tbody class="govuk-table__body">', 1)[1].split("</tbody>", 1)[0]
        return [
            " ".join(cell.split(">")[-1].split())
            for cell in body.split("</td>")[1::6]
            if cell.strip()
        ]

    assert lines("") == ["P2 to P8", "P3"]
    assert lines("?kind=lateness") == ["P3"]
    assert lines("?period=6") == ["P6"]
    assert lines(f"?provider={ehm.provider.pk}&kind=missing_submission") == ["P2 to P8"]
    nothing = client.get(f"/monitoring/flags/?provider={ehm.provider.pk + 999}").content.decode()
    assert "No risk flags match these filters." in nothing
    api = client.get("/api/v1/ehm/flags?kind=missing_submission&period=5").json()
    assert [(f["period"], f["kind"]) for f in api["items"]] == [(5, "missing_submission")]
    assert client.get("/api/v1/ehm/flags?kind=nonsense").status_code == 422
