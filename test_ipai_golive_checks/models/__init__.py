from . import golive_check_registry
