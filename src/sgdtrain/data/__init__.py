"""Data sources behind Caffe's data layers: LMDB databases of Datum records,
MNIST/IDX files, and the per-record transformation (scale, mean, crop, mirror)."""
