"""People and units: the province's units, the roster of trainees, their identities and contacts."""
