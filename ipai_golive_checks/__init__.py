from . import tools
from . import models
from . import checks
from . import controllers
from . import wizards
from . import cli
