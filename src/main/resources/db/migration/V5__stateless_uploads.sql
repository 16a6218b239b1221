-- Upload sessions are identified by a signed token and their staged bytes; no row per session.
DROP TABLE uploads;
