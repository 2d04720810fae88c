"""Real Caffe's .caffemodel decodes through the schema."""

from conftest import REFERENCE

from sgdtrain.blobproto import blob_from_proto
from sgdtrain.weights import read_caffemodel


def test_lenet_iter_0_decodes_into_four_parameter_layers_with_caffes_shapes():
    net = read_caffemodel(REFERENCE / "lenet_iter_0.caffemodel")
    with_blobs = {layer.name: [blob_from_proto(b).shape for b in layer.blobs] for layer in net.layer if layer.blobs}
    assert with_blobs == {
        "conv1": [(20, 1, 5, 5), (20,)],
        "conv2": [(50, 20, 5, 5), (50,)],
        "ip1": [(500, 800), (500,)],
        "ip2": [(10, 500), (10,)],
    }
    assert net.name == "LeNet"
    assert sum(blob_from_proto(b).size for layer in net.layer for b in layer.blobs) == 431080


def test_initial_weights_follow_the_xavier_bounds_and_zero_biases():
    net = read_caffemodel(REFERENCE / "lenet_iter_0.caffemodel")
    layers = {layer.name: [blob_from_proto(b) for b in layer.blobs] for layer in net.layer}
    for name, bound in (("conv1", (3 / 25) ** 0.5), ("conv2", (3 / 500) ** 0.5), ("ip1", (3 / 800) ** 0.5)):
        w, b = layers[name]
        assert abs(w).max() <= bound + 1e-7 and abs(w).max() > 0.9 * bound
        assert not b.any()
