from . import tools
from . import models
from . import checks
from . import cli
