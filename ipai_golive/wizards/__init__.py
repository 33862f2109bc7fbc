from . import golive_checklist_abort
from . import golive_task_waive
