from . import golive_manifest_import
