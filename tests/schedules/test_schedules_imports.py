"""sgdtrain.schedules stays pure: math/numpy, the standard library's typing helpers, sgdtrain.errors/proto."""

import ast
from pathlib import Path

import sgdtrain.schedules

ALLOWED = {"__future__", "collections", "ctypes", "dataclasses", "math", "numpy", "sgdtrain"}  # ctypes: libm powf/expf
ALLOWED_SGDTRAIN = ("sgdtrain.errors", "sgdtrain.proto", "sgdtrain.schedules")


def test_schedules_imports_only_numpy_and_sgdtrain_errors_proto():
    names = set()
    for path in Path(sgdtrain.schedules.__file__).parent.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Import):
                names |= {a.name for a in node.names}
            elif isinstance(node, ast.ImportFrom):
                names.add(node.module)
    assert {n.split(".")[0] for n in names} <= ALLOWED
    assert all(n.startswith(ALLOWED_SGDTRAIN) for n in names if n.startswith("sgdtrain"))
