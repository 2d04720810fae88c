"""The reference runs real Caffe made (see tests/data/caffe-lenet-fashion/README.md)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ReferenceRun:
    name: str
    solver: str  # relative to the reference directory
    log: str
    weights: str | None = None  # Caffe's weights after the last update, when kept
    adaptive: bool = False  # Adam and the adaptive types: shorter early window, looser screen
    snapshot: str | None = None  # resume from this solverstate (relative to the reference directory)
    fails: bool = False  # Caffe rejected this configuration


RUNS: list[ReferenceRun] = [
    ReferenceRun("traj_sgd_inv", "lenet_solver_traj_sgd_inv.prototxt", "logs/traj_sgd_inv.log",
                 "weights/traj_sgd_inv_iter_200.caffemodel"),
    ReferenceRun("traj_multistep", "lenet_solver_traj_multistep.prototxt", "logs/traj_multistep.log",
                 "weights/traj_multistep_iter_200.caffemodel"),
    ReferenceRun("traj_adam", "lenet_solver_traj_adam.prototxt", "logs/traj_adam.log",
                 "weights/traj_adam_iter_200.caffemodel", adaptive=True),
    ReferenceRun("nesterov", "extra/lenet_solver_extra_nesterov.prototxt", "extra/logs/extra_nesterov.log"),
    ReferenceRun("adagrad", "extra/lenet_solver_extra_adagrad.prototxt", "extra/logs/extra_adagrad.log",
                 adaptive=True),
    ReferenceRun("rmsprop", "extra/lenet_solver_extra_rmsprop.prototxt", "extra/logs/extra_rmsprop.log",
                 adaptive=True),
    ReferenceRun("adadelta", "extra/lenet_solver_extra_adadelta.prototxt", "extra/logs/extra_adadelta.log",
                 adaptive=True),
    ReferenceRun("sgd_step", "extra/lenet_solver_extra_sgd_step.prototxt", "extra/logs/extra_sgd_step.log"),
    ReferenceRun("sgd_exp", "extra/lenet_solver_extra_sgd_exp.prototxt", "extra/logs/extra_sgd_exp.log"),
    ReferenceRun("sgd_fixed", "extra/lenet_solver_extra_sgd_fixed.prototxt", "extra/logs/extra_sgd_fixed.log"),
    ReferenceRun("sgd_poly", "extra/lenet_solver_extra_sgd_poly.prototxt", "extra/logs/extra_sgd_poly.log"),
    ReferenceRun("sgd_sigmoid", "extra/lenet_solver_extra_sgd_sigmoid.prototxt", "extra/logs/extra_sgd_sigmoid.log"),
    ReferenceRun("sgd_l1", "extra/lenet_solver_extra_sgd_l1.prototxt", "extra/logs/extra_sgd_l1.log"),
    ReferenceRun("sgd_clip", "extra/lenet_solver_extra_sgd_clip.prototxt", "extra/logs/extra_sgd_clip.log"),
    ReferenceRun("sgd_itersize2", "extra/lenet_solver_extra_sgd_itersize2.prototxt",
                 "extra/logs/extra_sgd_itersize2.log"),
    ReferenceRun("sgd_average_loss10", "extra/lenet_solver_extra_sgd_average_loss10.prototxt",
                 "extra/logs/extra_sgd_average_loss10.log"),
    ReferenceRun("resume_part1", "extra/lenet_solver_extra_resume.prototxt",
                 "extra/logs/extra_resume_part1_uninterrupted.log", "weights/traj_sgd_inv_iter_200.caffemodel"),
    ReferenceRun("resume_from100", "extra/lenet_solver_extra_resume_from100.prototxt",
                 "extra/logs/extra_resume_part2_from_iter100.log",
                 snapshot="extra/weights/resume_iter_100.solverstate"),
    ReferenceRun("sgd_sigmoid_neg_gamma", "extra/lenet_solver_extra_sgd_sigmoid_neg_gamma_FAILS.prototxt",
                 "extra/logs/extra_sgd_sigmoid_neg_gamma_FAILS.log", fails=True),
]

BY_NAME = {r.name: r for r in RUNS}
