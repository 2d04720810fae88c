import pytest
from lr_helpers import printed, rates, solver


def test_inv_tables():
    # rate = base_lr * (1 + gamma*iter)^(-power)
    harmonic = solver(lr_policy="inv", base_lr=1, gamma=1, power=1)
    assert rates(harmonic, range(4)) == pytest.approx([1, 0.5, 1 / 3, 0.25], rel=1e-7)
    squared = solver(lr_policy="inv", base_lr=1, gamma=1, power=2)
    assert rates(squared, range(4)) == pytest.approx([1, 0.25, 0.11111111, 0.0625], rel=1e-7)
    root = solver(lr_policy="inv", base_lr=2, gamma=3, power=0.5)
    assert rates(root, [0, 1, 5]) == pytest.approx([2, 1, 0.5], rel=1e-7)  # 2/sqrt(1), 2/sqrt(4), 2/sqrt(16)


LENET = {  # examples/mnist/lenet_solver.prototxt: base_lr 0.01, gamma 0.0001, power 0.75; as Caffe prints them
    0: "0.01",
    100: "0.00992565",
    200: "0.00985258",
    500: "0.00964069",
    1000: "0.00931012",
    5000: "0.00737788",
    9900: "0.00596843",
    10000: "0.00594604",
}


def test_lenet_inv_prints_exactly_as_caffe():
    p = solver(lr_policy="inv", base_lr=0.01, gamma=0.0001, power=0.75)
    assert {it: printed(r) for it, r in zip(LENET, rates(p, LENET))} == LENET
