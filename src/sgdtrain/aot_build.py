"""`python -m sgdtrain.aot_build REQUEST`: compile one kernel set into an extension module.

Run by `sgdtrain.jit.compiled` in a child process, so that numba and LLVM are
loaded there and never in a training process. REQUEST is JSON: `module` and
`factory` name a function returning {export name: (Python function, numba
signature)}, called with `constants` (the geometry, which the kernels then
hold as compile-time constants); numba's pycc compiles the exports for this
CPU into the extension module `name`, which lands in `folder` by an atomic
rename, so a concurrent run sees the whole file or none.
"""

from __future__ import annotations

import importlib
import json
import os
import sys
import tempfile
import warnings
from pathlib import Path


def main(argv: list[str]) -> int:
    request = json.loads(argv[0])
    warnings.simplefilter("ignore")  # pycc's pending-deprecation notice; a failure still exits non-zero
    from numba.pycc import CC

    exports = getattr(importlib.import_module(request["module"]), request["factory"])(*request["constants"])
    folder = Path(request["folder"])
    with tempfile.TemporaryDirectory(dir=folder, prefix=".build-") as tmp:
        cc = CC(request["name"])
        cc.output_dir = tmp
        cc.target_cpu = "host"  # built for the machine that runs it, like numba's JIT
        cc.verbose = False
        for export, (function, signature) in exports.items():
            cc.export(export, signature)(function)
        cc.compile()
        (built,) = Path(tmp).glob(request["name"] + ".*")
        os.replace(built, folder / built.name)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
