import pytest
from lr_helpers import printed, run, solver


def multistep(*stepvalues, base_lr=1, gamma=0.1):
    return solver(lr_policy="multistep", base_lr=base_lr, gamma=gamma, stepvalue=list(stepvalues))


def test_changes_exactly_at_each_stepvalue():
    got = run(multistep(2, 4), range(6))
    assert [r for r, _, _ in got] == pytest.approx([1, 1, 0.1, 0.1, 0.01, 0.01], rel=1e-6)
    assert [s for _, s, _ in got] == [0, 0, 1, 1, 2, 2]
    assert [m for _, _, m in got] == [
        None, None, "MultiStep Status: Iteration 2, step = 1", None, "MultiStep Status: Iteration 4, step = 2", None]


def test_duplicate_stepvalue_takes_effect_one_iteration_later():
    got = run(multistep(2, 2, 5), range(7))
    assert [s for _, s, _ in got] == [0, 0, 1, 2, 2, 3, 3]
    assert [r for r, _, _ in got] == pytest.approx([1, 1, 0.1, 0.01, 0.01, 0.001, 0.001], rel=1e-6)
    assert got[3][2] == "MultiStep Status: Iteration 3, step = 2"


def test_decreasing_stepvalues_advance_one_step_per_iteration():
    # stepvalue 4 then 2: nothing until 4 (the first one), then 2 is already passed at 5.
    got = run(multistep(4, 2), range(7))
    assert [s for _, s, _ in got] == [0, 0, 0, 0, 1, 2, 2]
    assert [r for r, _, _ in got] == pytest.approx([1, 1, 1, 1, 0.1, 0.01, 0.01], rel=1e-6)


def test_resume_with_stale_current_step_catches_up_one_step_per_iteration():
    # A .solverstate written by e.g. a `fixed` run holds current_step 0; resuming at 35 with
    # stepvalues 10, 20, 30 reaches step 3 only at 37.
    got = run(multistep(10, 20, 30), [35, 36, 37, 38], current_step=0)
    assert [s for _, s, _ in got] == [1, 2, 3, 3]
    assert [r for r, _, _ in got] == pytest.approx([0.1, 0.01, 0.001, 0.001], rel=1e-6)
    assert [m for _, _, m in got] == [
        "MultiStep Status: Iteration 35, step = 1",
        "MultiStep Status: Iteration 36, step = 2",
        "MultiStep Status: Iteration 37, step = 3",
        None,
    ]


def test_resume_with_saved_current_step():
    got = run(multistep(10, 20, 30), [25, 29, 30], current_step=2)
    assert [s for _, s, _ in got] == [2, 2, 3]


def test_lenet_multistep_prints_as_caffe():
    # examples/mnist/lenet_multistep_solver.prototxt, run from iteration 0.
    p = multistep(5000, 7000, 8000, 9000, 9500, base_lr=0.01, gamma=0.9)
    got = {it: printed(r) for it, (r, _, _) in enumerate(run(p, range(10000)))}
    assert [got[i] for i in (0, 4999, 5000, 6999, 7000, 8000, 9000, 9499, 9500, 9999)] == [
        "0.01", "0.01", "0.009", "0.009", "0.0081", "0.00729", "0.006561", "0.006561", "0.0059049", "0.0059049"]
