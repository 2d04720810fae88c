"""Agreement with real Caffe: replaying the reference runs of
tests/data/caffe-lenet-fashion (real Caffe's logs, weights and states) and
comparing with the tolerances of ../shared/spec/tolerances.md."""
