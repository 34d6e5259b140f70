"""Loaded at start-up by every Python process the tests start (conftest.py puts this
folder on PYTHONPATH): the vaults the tests make have deliberately cheap key slots,
which the real program would otherwise re-wrap after a real calibration (about a
second) at its first unlock, and then pay the full cost at every later one. The test
process itself does the same with a fixture; test_kdf.py tests the upgrade."""

try:
    from hrdesk.store import kdf
except ImportError:  # a server or tool the tests start, not hrdesk
    pass
else:
    kdf.worth_recalibrating = lambda *_args: False
