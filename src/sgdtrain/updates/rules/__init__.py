"""The update rules, one small class each, keyed by the solver `type` string."""

from sgdtrain.updates.rules.adadelta import AdaDelta
from sgdtrain.updates.rules.adagrad import AdaGrad
from sgdtrain.updates.rules.adam import Adam
from sgdtrain.updates.rules.adamw import AdamW
from sgdtrain.updates.rules.base import UpdateRule
from sgdtrain.updates.rules.nesterov import Nesterov
from sgdtrain.updates.rules.rmsprop import RMSProp
from sgdtrain.updates.rules.sgd import SGD

RULES: dict[str, type[UpdateRule]] = {r.type: r for r in (SGD, Nesterov, AdaGrad, RMSProp, AdaDelta, Adam, AdamW)}

# Caffe's own solver types; AdamW is sgdtrain's extension.
CAFFE_TYPES = ("AdaDelta", "AdaGrad", "Adam", "Nesterov", "RMSProp", "SGD")

__all__ = ["CAFFE_TYPES", "RULES", "UpdateRule", "SGD", "Nesterov", "AdaGrad", "RMSProp", "AdaDelta", "Adam",
           "AdamW"]
