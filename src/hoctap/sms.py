"""Old path of :mod:`hoctap.kit.sms`, for notebooks released before the kit moved there."""

import sys

from hoctap.kit import sms as _kit_module

# The same module under both names: a notebook released earlier gets the very same functions.
sys.modules[__name__] = _kit_module
