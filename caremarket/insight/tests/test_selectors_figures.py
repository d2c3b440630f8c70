"""The market's columns are defined once; the API's documented fields follow them."""

import pytest

from caremarket.insight import apis
from caremarket.insight.selectors import figures


@pytest.mark.parametrize(
    ("schema", "columns", "nested"),
    [
        (apis.FigureOut, figures.FIGURE_COLUMNS, set()),
        (apis.PeriodOut, figures.PERIOD_COLUMNS, {"placed_by_route"}),
        (apis.DistrictFiguresOut, figures.DISTRICT_COLUMNS, {"care_homes"}),
        (apis.BedsOut, figures.BED_COLUMNS, set()),
        (apis.MovementOut, figures.MOVEMENT_COLUMNS, set()),
    ],
)
def test_the_api_documents_every_column_and_nothing_else(schema, columns, nested):
    assert set(schema.model_fields) == {c.key for c in columns if c.in_api} | nested


def test_every_route_has_a_download_column():
    assert [c.key for c in figures.ROUTE_COLUMNS] == list(figures.ROUTES)
    assert len(set(figures.sheet_columns(figures.ROUTE_COLUMNS))) == len(figures.ROUTES)


def test_spreadsheet_cells_show_fractional_numbers_to_two_places():
    from decimal import Decimal

    assert figures.cell(Decimal("12.345")) == 12.35
    assert figures.cell(7) == 7 and figures.cell("x") == "x"
