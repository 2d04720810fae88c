"""Learning-rate policies as pure functions of the iteration (Caffe's `lr_policy`).

    rate, current_step, message = learning_rate(param, iter, current_step)

`POLICIES` maps Caffe's names (fixed, step, exp, inv, multistep, poly,
sigmoid) to the formulas in `policies.py`; `check_policy` refuses settings
Caffe master dies on, naming the field and the fix. Imports only numpy and
sgdtrain.errors/proto.
"""

from sgdtrain.schedules.checks import check_policy, known_policies
from sgdtrain.schedules.policies import POLICIES, Policy
from sgdtrain.schedules.rate import learning_rate

__all__ = ["POLICIES", "Policy", "check_policy", "known_policies", "learning_rate"]
