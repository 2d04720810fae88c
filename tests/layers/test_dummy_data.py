import numpy as np
import pytest
from layer_helpers import build

from sgdtrain.errors import ConfigError

DUMMY = 'name: "d" type: "DummyData" {tops} dummy_data_param {{ {param} }}'


def text(ntops, param):
    return DUMMY.format(tops=" ".join(f'top: "t{i}"' for i in range(ntops)), param=param)


def test_constant_filler_fills_once_at_setup():
    layer, (t,) = build(text(1, 'shape { dim: 2 dim: 3 } data_filler { type: "constant" value: 0.5 }'), [])
    assert t.shape == (2, 3)
    np.testing.assert_array_equal(t.data, np.float32(0.5))
    t.data[...] = 9.0  # forward must not refill a constant top
    layer.forward([], [t])
    assert (t.data == 9.0).all()


def test_no_filler_means_zeros():
    layer, top = build(text(2, "shape { dim: 3 }"), [])
    layer.forward([], top)
    assert all(t.shape == (3,) and not t.data.any() for t in top)


def test_random_filler_refills_every_forward_from_the_net_generator():
    param = 'shape { dim: 4 dim: 5 } data_filler { type: "gaussian" std: 2 }'
    layer, (t,) = build(text(1, param), [], seed=3)
    assert not t.data.any()  # Caffe fills non-constant tops at the first forward, not at setup
    layer.forward([], [t])
    first = t.data.copy()
    expected = np.random.default_rng(3).normal(0, 2, size=(4, 5)).astype(np.float32)
    np.testing.assert_array_equal(first, expected)
    layer.forward([], [t])
    assert (t.data != first).any()


def test_per_top_fillers_and_shapes():
    param = ('shape { dim: 2 dim: 2 } shape { dim: 3 } '
             'data_filler { type: "constant" value: 1 } data_filler { type: "uniform" min: 5 max: 6 }')
    layer, (a, b) = build(text(2, param), [])
    assert a.shape == (2, 2) and b.shape == (3,)
    layer.forward([], [a, b])
    assert (a.data == 1).all()
    assert ((b.data >= 5) & (b.data < 6)).all()


def test_one_filler_for_all_tops():
    layer, top = build(text(2, 'shape { dim: 2 } data_filler { type: "constant" value: 3 }'), [])
    assert all((t.data == 3).all() for t in top)


def test_legacy_dimensions():
    layer, (a, b) = build(text(2, "num: 5 channels: 1 channels: 3 height: 4 width: 2"), [])
    assert a.shape == (5, 1, 4, 2) and b.shape == (5, 3, 4, 2)


@pytest.mark.parametrize("ntops,param,message", [
    (3, 'shape { dim: 1 } data_filler { type: "constant" } data_filler { type: "constant" }',
     "has 2 data fillers for 3 tops; the number of data fillers must be 0, 1 or equal to the number of tops"),
    (3, "shape { dim: 1 } shape { dim: 2 }", "gives 2 shapes for 3 tops; must specify 'shape' once, or once per top"),
    (1, "", "gives 0 shapes for 1 tops"),
    (1, "shape { dim: 1 } num: 1 channels: 1 height: 1 width: 1", "sets both shape and the legacy"),
    (3, "num: 1 num: 2 channels: 1 height: 1 width: 1", "gives 2 'num' values for 3 tops"),
    (1, "num: 1 channels: 1 height: 1", "gives 0 'width' values for 1 tops"),
    (1, 'shape { dim: 1 } data_filler { type: "gausian" }', "unknown filler type 'gausian'"),
    (1, "shape { dim: -1 }", "dims must be >= 0"),
])
def test_dummy_data_errors(ntops, param, message):
    with pytest.raises(ConfigError, match=message):
        build(text(ntops, param), [])
