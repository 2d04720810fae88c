import numpy as np
import pytest
from gradcheck import make_blobs
from layer_helpers import build

from sgdtrain.errors import ConfigError

INPUT = 'name: "in" type: "Input" {tops} input_param {{ {shapes} }}'


def text(ntops, *shapes):
    tops = " ".join(f'top: "t{i}"' for i in range(ntops))
    body = " ".join("shape { " + " ".join(f"dim: {d}" for d in s) + " }" for s in shapes)
    return INPUT.format(tops=tops, shapes=body)


def test_one_shape_for_every_top():
    layer, top = build(text(2, (10, 1, 28, 28)), [])
    assert [t.shape for t in top] == [(10, 1, 28, 28)] * 2


def test_one_shape_per_top():
    layer, top = build(text(2, (4, 3, 2, 2), (4,)), [])
    assert [t.shape for t in top] == [(4, 3, 2, 2), (4,)]


def test_forward_leaves_the_values_alone():
    layer, (t,) = build(text(1, (2, 3)), [])
    t.data[...] = 7.0
    layer.reshape([], [t])
    layer.forward([], [t])
    assert (t.data == 7.0).all() and t.shape == (2, 3)
    assert not layer.has_backward


def test_no_shape_leaves_the_tops_as_they_are():
    layer, (t,) = build(text(1), [])
    assert t.shape == ()


@pytest.mark.parametrize("ntops,shapes,message", [
    (3, [(1,), (2,)], "has 2 shapes for 3 tops; must specify 'shape' once, once per top blob, or not at all"),
    (1, [(2, -1)], r"has shape \[2, -1\]; dims must be >= 0"),
])
def test_input_errors(ntops, shapes, message):
    with pytest.raises(ConfigError, match=message):
        build(text(ntops, *shapes), [])


def test_input_takes_no_bottom():
    with pytest.raises(ConfigError, match="exactly 0 bottom"):
        build('name: "in" type: "Input" bottom: "x" top: "y" input_param { shape { dim: 1 } }',
              make_blobs([(1,)], np.random.default_rng(0)))
