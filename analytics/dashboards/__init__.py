"""Figure builders: a query result in, plotly figures and the tables under them out; no database."""
