"""Flask extensions, created unbound; the app factory binds them."""

from flask_babel import Babel
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_smorest import Api
from flask_sqlalchemy import SQLAlchemy
from flask_wtf.csrf import CSRFProtect

from gup.orm import Base

db = SQLAlchemy(model_class=Base)
migrate = Migrate(render_as_batch=True, compare_type=True)
login_manager = LoginManager()
csrf = CSRFProtect()
babel = Babel()
api = Api()
#: per-address rate limits of the public pages (memory by default, Redis when RATELIMIT_STORAGE_URI says so)
limiter = Limiter(key_func=get_remote_address, default_limits=[], headers_enabled=True)
