import numpy as np
import pytest
from gradcheck import make_blobs
from layer_helpers import build

from sgdtrain.errors import ConfigError


def test_silence_has_no_tops_and_zeroes_gradients():
    bottom = make_blobs([(2, 3), (4,)], np.random.default_rng(0))
    data = [b.data.copy() for b in bottom]
    layer, top = build('name: "s" type: "Silence" bottom: "a" bottom: "b"', bottom)
    assert top == []
    layer.forward(bottom, top)
    for b, d in zip(bottom, data):
        np.testing.assert_array_equal(b.data, d)
    for b in bottom:
        b.diff[...] = 5.0
    layer.backward(top, [True, False], bottom)
    assert not bottom[0].diff.any()
    assert (bottom[1].diff == 5.0).all()


def test_silence_needs_a_bottom_and_no_top():
    with pytest.raises(ConfigError, match="at least 1 bottom"):
        build('name: "s" type: "Silence"', [])
    with pytest.raises(ConfigError, match="exactly 0 top"):
        build('name: "s" type: "Silence" bottom: "a" top: "b"', make_blobs([(2,)], np.random.default_rng(0)))
