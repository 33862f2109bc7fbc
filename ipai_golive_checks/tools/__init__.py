from . import secrets
from . import report_formats
from . import origin
