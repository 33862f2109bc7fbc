from . import golive_restore
from . import golive_update
