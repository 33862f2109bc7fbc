from . import golive_checklist_template
from . import golive_checklist_template_phase
from . import golive_checklist_template_line
from . import golive_checklist
from . import golive_phase
from . import golive_task
from . import res_company
from . import res_config_settings
