from . import golive_release_report
