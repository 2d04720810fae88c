"""sgdtrain: train Caffe's own solver and net prototxts with a numpy core that
matches Caffe's arithmetic, log lines and snapshot files."""

__version__ = "0.1.0"
