from . import golive
