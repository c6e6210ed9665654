from gup.apiauth import api_blueprint
agreements_api = api_blueprint("agreements", "/agreements", "Conventions GUP.")
commitments_api = api_blueprint("commitments", "/commitments", "Engagements des partenaires.")
