"""Import every feature's models, for Alembic and the mappers."""

from gup.actions.models import *  # noqa: F401,F403
from gup.agreements.models import *  # noqa: F401,F403
from gup.audit.models import (
    AuditEntry,  # noqa: F401
    StatusChange,  # noqa: F401
)
from gup.auth.models import *  # noqa: F401,F403
from gup.findings.models import *  # noqa: F401,F403
from gup.media.models import Photo  # noqa: F401
from gup.notifications.models import OutboundMail  # noqa: F401
from gup.organisations.models import *  # noqa: F401,F403
from gup.territory.models import *  # noqa: F401,F403
from gup.walks.models import *  # noqa: F401,F403
from gup.hotline.models import *  # noqa: F401,F403
from gup.open311.models import Open311Client  # noqa: F401
from gup.scheduler.models import JobRun  # noqa: F401
