"""sgdtrain.updates stays pure: numpy, the standard library's typing helpers, sgdtrain.errors/proto/jit."""

import ast
from pathlib import Path

import sgdtrain.updates

ALLOWED = {"__future__", "collections", "functools", "typing", "numpy", "sgdtrain"}
ALLOWED_SGDTRAIN = ("sgdtrain.errors", "sgdtrain.proto", "sgdtrain.updates", "sgdtrain.jit")


def imports(package) -> set[str]:
    names = set()
    for path in Path(package.__file__).parent.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Import):
                names |= {a.name for a in node.names}
            elif isinstance(node, ast.ImportFrom):
                names.add(node.module)
    return names


def test_updates_imports_only_numpy_and_sgdtrain_errors_proto():
    names = imports(sgdtrain.updates)
    assert {n.split(".")[0] for n in names} <= ALLOWED
    assert all(n.startswith(ALLOWED_SGDTRAIN) for n in names if n.startswith("sgdtrain"))
