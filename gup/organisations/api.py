from gup.apiauth import api_blueprint
organisations_api = api_blueprint("organisations", "/organisations", "Organismes.")
