from . import secrets
from . import report_formats
from . import origin
from . import vocabulary
from . import secret_sources
from . import manifest
