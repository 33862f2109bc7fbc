# The catalogue: one file per check family, checks only. Each file extends the
# abstract golive.check.registry model (defined in models/) with its checks.
from . import modules
from . import crons
from . import params
from . import config
from . import postgres
from . import storage
from . import security
from . import process
from . import mail
from . import http
from . import manifest
from . import reports
