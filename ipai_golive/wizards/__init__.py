from . import golive_checklist_abort
from . import golive_task_waive
from . import golive_checklist_create
