"""Test setup for the GPU handlers' pure parts: python3-pytest and python3-numpy only, no torch.

Run from the repository root: /usr/bin/python3 -m pytest infra/endpoints/tests -q
"""

from __future__ import annotations

import importlib.util
import os
import sys

ENDPOINTS = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TESTS = os.path.join(ENDPOINTS, "tests")
for path in (ENDPOINTS, os.path.join(ENDPOINTS, "generator"), os.path.join(ENDPOINTS, "scorer"), TESTS):
    if path not in sys.path:
        sys.path.insert(0, path)


def load_module(name: str, path: str):
    """Import a file under a unique module name (both handlers are called inference.py)."""
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module
