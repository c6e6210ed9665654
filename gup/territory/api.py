from gup.apiauth import api_blueprint
neighbourhoods_api = api_blueprint("neighbourhoods", "/neighbourhoods", "Quartiers et territoire.")
