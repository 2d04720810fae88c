"""Reading a solver prototxt into the configuration the engine consumes.

The configuration object is the protobuf message itself: `SolverConfig.param`
is the upgraded, validated SolverParameter (its `float` fields already hold
float32 values, as in Caffe), and each net is a NetSpec around an upgraded
NetParameter. sgdtrain keeps Caffe's messages rather than copying them into
parallel dataclasses because the schema *is* the contract: defaults, field
presence (`HasField`) and round-tripping into snapshots come with it, and a
parallel tree of ~60 messages would drift. SolverConfig only adds what the
message cannot hold: where things came from and the log lines reading made.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from sgdtrain.config.net import NetSpec, check_net, read_net_file
from sgdtrain.config.netstate import merged_state
from sgdtrain.config.paths import PathResolver
from sgdtrain.config.textformat import FieldLocator, read_text_file
from sgdtrain.config.upgrade import upgrade_net, upgrade_solver
from sgdtrain.errors import ConfigError, Where
from sgdtrain.proto import caffe_pb2

TRAIN, TEST = caffe_pb2.TRAIN, caffe_pb2.TEST


@dataclass
class SolverConfig:
    """A solver prototxt read as Caffe reads it."""

    param: caffe_pb2.SolverParameter
    path: Path | None
    train_net: NetSpec
    test_nets: list[NetSpec]
    resolver: PathResolver
    locator: FieldLocator = field(default_factory=FieldLocator)
    notes: list[tuple[str, str]] = field(default_factory=list)  # (Caffe source tag, log line) from reading

    def where(self, *parts: str | int) -> Where:
        """file:line of a solver field, for error messages."""
        name = ".".join(str(p) for p in parts if isinstance(p, str))
        return Where(self.path, self.locator.line_of(*parts) if parts else None, field=name or None)

    @property
    def source(self) -> str:
        return str(self.path) if self.path else "<inline solver>"


def _snapshot_prefix_upgrade(param: caffe_pb2.SolverParameter, solver_file: Path) -> list[str]:
    """Caffe master's UpgradeSnapshotPrefixProperty (only for solvers read from a file)."""
    if not param.HasField("snapshot_prefix"):
        param.snapshot_prefix = str(solver_file.with_suffix(""))
        return [f"snapshot_prefix was not specified and is set to {param.snapshot_prefix}"]
    if Path(param.snapshot_prefix).is_dir():
        param.snapshot_prefix = str(Path(param.snapshot_prefix) / solver_file.stem)
        return [f"snapshot_prefix is a directory and is set to {param.snapshot_prefix}"]
    return []


def read_solver(
    path: str | Path,
    *,
    level: int | None = None,
    stages: list[str] | None = None,
) -> SolverConfig:
    """Parse, upgrade and check a solver prototxt and the nets it names.

    `level`/`stages` are `caffe train --level/--stage`: they go into
    train_state (the train net only), as Caffe's command line does.
    """
    solver_path = Path(path)
    if not solver_path.exists():
        raise ConfigError(
            f"the solver file '{path}' does not exist (looked in {Path.cwd()}).",
            fix="Pass the path of a solver prototxt, e.g. `--solver configs/lenet_solver.prototxt`.",
        )
    param, text = read_text_file(solver_path, caffe_pb2.SolverParameter(), "solver prototxt")
    locator = FieldLocator.from_text(text)
    notes = [("upgrade_proto.cpp:1095", line) for line in upgrade_solver(param, str(solver_path))]
    if level is not None:
        param.train_state.level = level
    if stages is not None:
        param.train_state.ClearField("stage")
        param.train_state.stage.extend(stages)
    notes += [("upgrade_proto.cpp:1108", line) for line in _snapshot_prefix_upgrade(param, solver_path)]
    resolver = PathResolver.beside(solver_path)
    return build_solver_config(param, solver_path, locator, resolver, notes)


def build_solver_config(
    param: caffe_pb2.SolverParameter,
    path: Path | None,
    locator: FieldLocator | None = None,
    resolver: PathResolver | None = None,
    notes: list[tuple[str, str]] | None = None,
) -> SolverConfig:
    """Check the structure of `param` and read the nets it names (Solver::Init's part)."""
    locator = locator or FieldLocator()
    resolver = resolver or PathResolver.beside(path)
    notes = list(notes or [])
    src = str(path) if path else "<inline solver>"

    def tagged(lines: list[str]) -> list[tuple[str, str]]:
        return [("upgrade_proto.cpp:67", line) for line in lines]

    def where(name: str, index: int = 0) -> Where:
        return Where(src, locator.line_of(name, index), field=name)

    _check_structure(param, where)

    def load(field_name: str, file_name: str, index: int = 0) -> tuple[caffe_pb2.NetParameter, Path, FieldLocator]:
        p = resolver.resolve(file_name, f"net file named by `{field_name}`", where(field_name, index))
        net, net_locator, upgrade_notes = read_net_file(p, named_by=f"`{field_name}` in {src}")
        notes.extend(tagged(upgrade_notes))
        return net, p, net_locator

    def inline(net: caffe_pb2.NetParameter, field_name: str) -> caffe_pb2.NetParameter:
        # Caffe does not upgrade inline nets; sgdtrain does (README: deliberate differences).
        copy = caffe_pb2.NetParameter()
        copy.CopyFrom(net)
        notes.extend(tagged(upgrade_net(copy, f"{src} ({field_name})")))
        check_net(copy, f"{src} ({field_name})")
        return copy

    # The train net: exactly one of train_net_param, train_net, net_param, net.
    train_state = merged_state(TRAIN)
    if param.HasField("train_net_param"):
        net, npath, nloc = inline(param.train_net_param, "train_net_param"), None, FieldLocator()
        how = "train_net_param"
    elif param.HasField("train_net"):
        net, npath, nloc = load("train_net", param.train_net)
        how = f"train_net file: {param.train_net}"
    elif param.HasField("net_param"):
        net, npath, nloc, how = inline(param.net_param, "net_param"), None, FieldLocator(), "net_param"
    else:
        net, npath, nloc = load("net", param.net)
        how = f"net file: {param.net}"
    train_state = merged_state(TRAIN, net.state if net.HasField("state") else None,
                               param.train_state if param.HasField("train_state") else None)
    train = NetSpec(net, train_state, how, npath, nloc)

    # Test nets: test_net_param, then test_net, then copies of the generic net.
    sources: list[tuple[caffe_pb2.NetParameter, str, Path | None, FieldLocator]] = []
    for i, p in enumerate(param.test_net_param):
        sources.append((inline(p, f"test_net_param[{i}]"), "test_net_param", None, FieldLocator()))
    for i, f in enumerate(param.test_net):
        n, pth, loc = load("test_net", f, i)
        sources.append((n, f"test_net file: {f}", pth, loc))
    generic = param.HasField("net") or param.HasField("net_param")
    if generic:
        extra = len(param.test_iter) - len(sources)
        for _ in range(extra):
            if param.HasField("net_param"):
                sources.append((inline(param.net_param, "net_param"), "net_param", None, FieldLocator()))
            else:
                n, pth, loc = train.param, train.path, train.locator
                copy = caffe_pb2.NetParameter()
                copy.CopyFrom(n)
                sources.append((copy, f"net file: {param.net}", pth, loc))
    tests: list[NetSpec] = []
    for i, (n, how, pth, loc) in enumerate(sources):
        state = merged_state(TEST, n.state if n.HasField("state") else None,
                             param.test_state[i] if i < len(param.test_state) else None)
        tests.append(NetSpec(n, state, how, pth, loc))
    _check_tests(param, tests, where)
    notes.extend(("sgdtrain:0", n) for n in resolver.take_notes())
    return SolverConfig(param, path, train, tests, resolver, locator, notes)


def _check_structure(param: caffe_pb2.SolverParameter, where) -> None:
    given = [f for f in ("train_net_param", "train_net", "net_param", "net") if param.HasField(f)]
    if not given:
        raise ConfigError(
            "no train net: the solver names none of `net`, `net_param`, `train_net`, `train_net_param`.",
            where=where("net"),
            fix='Add e.g. `net: "lenet_train_test.prototxt"`.',
        )
    if len(given) > 1:
        raise ConfigError(
            "the train net is given more than once: " + ", ".join(f"`{g}`" for g in given) + ".",
            where=where(given[1]),
            fix="Keep exactly one of train_net_param, train_net, net_param, net (Caffe's rule).",
        )
    checks = [
        ("average_loss", param.average_loss >= 1, "must be at least 1 (the window of the printed loss)."),
        ("iter_size", param.iter_size >= 1, "must be at least 1 (passes accumulated per update)."),
        ("max_iter", param.max_iter >= 0, "must not be negative."),
        ("display", param.display >= 0, "must not be negative (0 means never)."),
        ("snapshot", param.snapshot >= 0, "must not be negative (0 means only the final snapshot)."),
        ("test_interval", param.test_interval >= 0, "must not be negative."),
    ]
    for name, ok, rule in checks:
        if not ok:
            raise ConfigError(
                f"`{name}: {getattr(param, name)}` is invalid: {name} {rule}",
                where=where(name),
                fix="Correct the value.",
            )
    for i, n in enumerate(param.test_iter):
        if n <= 0:
            raise ConfigError(
                f"`test_iter: {n}` is invalid: each test_iter must be positive.",
                where=where("test_iter", i),
                fix="Set it to (test set size) / (test batch size).",
            )


def _check_tests(param: caffe_pb2.SolverParameter, tests: list[NetSpec], where) -> None:
    generic = param.HasField("net") or param.HasField("net_param")
    specific = len(param.test_net_param) + len(param.test_net)
    n_iter = len(param.test_iter)
    if generic and n_iter < specific:
        raise ConfigError(
            f"{n_iter} test_iter value(s) for {specific} test net(s).",
            where=where("test_iter"),
            fix="Give at least one test_iter per test_net/test_net_param (Caffe's rule).",
        )
    if not generic and n_iter != specific:
        raise ConfigError(
            f"{n_iter} test_iter value(s) for {specific} test net(s).",
            where=where("test_iter"),
            fix="Give exactly one test_iter per test net (Caffe's rule).",
        )
    if len(param.test_state) and len(param.test_state) != len(tests):
        raise ConfigError(
            f"{len(param.test_state)} test_state value(s) for {len(tests)} test net(s).",
            where=where("test_state"),
            fix="Give no test_state, or exactly one per test net.",
        )
    if tests and param.test_interval <= 0 and not (param.HasField("test_epoch") and param.test_epoch > 0):
        raise ConfigError(
            f"the solver has {len(tests)} test net(s) but test_interval is {param.test_interval}; "
            "Caffe requires test_interval > 0 whenever a test net exists.",
            where=where("test_interval") if param.HasField("test_interval") else where("test_iter"),
            fix="Add e.g. `test_interval: 500` (or sgdtrain's `test_epoch: 1`), or remove test_iter to train "
            "without testing.",
        )
