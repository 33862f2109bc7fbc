from . import golive_checklist_abort
from . import golive_task_waive
from . import golive_checklist_create
from . import golive_checklist_decide
from . import golive_freeze_hotfix
from . import base_module_upgrade
