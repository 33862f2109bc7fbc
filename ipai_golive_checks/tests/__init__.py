from . import test_registry
from . import test_engine
from . import test_secrets
from . import test_checks_modules
from . import test_checks_crons
from . import test_checks_params
from . import test_checks_config
from . import test_cli
