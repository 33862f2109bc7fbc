from . import test_golive_access
from . import test_golive_deadlines
from . import test_golive_progress
from . import test_golive_state
from . import test_golive_template
from . import test_template_fidelity
from . import test_golive_demo
from . import test_golive_tour
