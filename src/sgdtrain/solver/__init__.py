"""The training loop: Caffe's Solver::Solve/Step/Test with the SGD family's ApplyUpdate."""

from sgdtrain.solver.events import SolverListener
from sgdtrain.solver.solver import Solver

__all__ = ["Solver", "SolverListener"]
