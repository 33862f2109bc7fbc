from . import test_discovery
