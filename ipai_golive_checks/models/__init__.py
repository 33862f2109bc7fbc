from . import golive_check_registry
from . import golive_check
from . import golive_waiver
from . import golive_check_sandbox
from . import golive_check_run
from . import golive_check_result
from . import golive_check_endpoint
from . import golive_manifest
