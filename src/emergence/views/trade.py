"""The World Bank's series on trade, investment and innovation, as the report's figure and tables read them."""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from emergence.errors import InputError

# (sector, variable) of the clean WDI table, in the order the figure's panels show them.
EXPORTS = (("manufacturing", "manufactures_exports_share"), ("manufacturing", "hightech_exports_share"))
FDI = (("total", "fdi_inflows"),)
RESEARCH = (("total", "rd_expenditure"),)
PATENTS = (("total", "patent_applications_resident"), ("total", "patent_applications_nonresident"))
LABELS = {
    "manufactures_exports_share": "Manufactures, % of merchandise exports",
    "hightech_exports_share": "High-technology, % of manufactured exports",
    "fdi_inflows": "Foreign direct investment, net inflows, % of GDP",
    "rd_expenditure": "Research and development expenditure, % of GDP",
    "patent_applications_resident": "Patent applications by residents",
    "patent_applications_nonresident": "Patent applications by non-residents",
}


def wdi_series(wdi: pd.DataFrame, where: str, country: str, series: Sequence[tuple[str, str]]) -> pd.DataFrame:
    """Years (rows) by variable (columns, in the order given) of one country's WDI series; each must have rows."""
    rows = wdi[wdi["country"] == country]
    columns = {}
    for sector, variable in series:
        part = rows[(rows["sector"] == sector) & (rows["variable"] == variable)]
        if part.empty:
            raise InputError(where, f"rows of {country}, sector {sector}, variable {variable}", "at least one row")
        columns[variable] = part.set_index("year")["value"].sort_index()
    return pd.DataFrame(columns).sort_index()
