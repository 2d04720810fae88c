# sgdtrain: the two set-up commands are `make train` and `make test` (README).
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
SOLVER ?= configs/lenet_solver.prototxt
PYTEST_ARGS ?=

.PHONY: install install-test train test bench lint proto fidelity clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip

# Runtime install (editable), redone when pyproject.toml changes.
$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install -q -e .
	touch $@

# Runtime plus the test extras (pytest, the pinned protoc generator, h5py, ruff, numba).
$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install -q -e '.[test]'
	touch $(VENV)/.installed $@

# Runtime plus numba, for the optional kernels (SGDTRAIN_KERNELS=numba) that `make bench` also times.
$(VENV)/.installed-fast: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install -q -e '.[fast]'
	touch $(VENV)/.installed $@

install: $(VENV)/.installed
install-test: $(VENV)/.installed-test

## train: the main job, LeNet on the embedded Fashion-MNIST subset
train: install
	$(BIN)/sgdtrain train --solver $(SOLVER)

## test: the whole suite (pytest's "no tests ran", exit 5, fails the target)
test: install-test
	$(BIN)/python -m pytest $(PYTEST_ARGS)

## bench: speed and memory figures (never part of the tests)
bench: $(VENV)/.installed-fast
	$(BIN)/python benchmarks/bench_lenet.py

lint: install-test
	$(BIN)/ruff check src tests benchmarks scripts

## proto: regenerate src/sgdtrain/proto/caffe_pb2.py(i) from proto/caffe.proto
proto: install-test
	$(BIN)/python -m grpc_tools.protoc -Iproto \
	  --python_out=src/sgdtrain/proto --pyi_out=src/sgdtrain/proto proto/caffe.proto

clean:
	rm -rf $(VENV) build dist src/*.egg-info .pytest_cache .ruff_cache

## fidelity: sgdtrain against every reference run of real Caffe, as a table
fidelity: install
	$(BIN)/python scripts/fidelity.py

## bench-full: Caffe's full 10,000-iteration LeNet run on the full Fashion-MNIST (needs dataset-fashion-mnist);
## SGDTRAIN_KERNELS=numba make bench-full runs it with the compiled kernels
bench-full: $(VENV)/.installed-fast
	$(BIN)/python benchmarks/full_run.py
