"""REST API of resident reports (/api/v1/resident-reports)."""

from gup.apiauth import api_blueprint

resident_reports_api = api_blueprint("resident_reports", "/resident-reports", "Signalements des habitants.")
