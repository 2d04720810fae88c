"""Caffe's Datum record <-> numpy."""

from __future__ import annotations

import numpy as np

from sgdtrain.errors import DataError
from sgdtrain.proto import caffe_pb2


def datum_to_array(datum: caffe_pb2.Datum) -> np.ndarray:
    """The record's C x H x W values: uint8 from `data`, else float32 from `float_data`."""
    shape = (datum.channels, datum.height, datum.width)
    if datum.encoded:
        raise DataError(
            "an encoded (JPEG/PNG) Datum was found; sgdtrain reads raw Datum records only.",
            fix="Convert the images with Caffe's convert_imageset without --encoded.",
        )
    if datum.data:
        values = np.frombuffer(datum.data, dtype=np.uint8)
    else:
        values = np.asarray(datum.float_data, dtype=np.float32)
    if values.size != shape[0] * shape[1] * shape[2]:
        raise DataError(f"a Datum holds {values.size} values for its shape {shape}.")
    return values.reshape(shape)


def array_to_datum(image: np.ndarray, label: int) -> caffe_pb2.Datum:
    """A Datum as Caffe's converters write it (uint8 C x H x W in `data`)."""
    if image.ndim == 2:
        image = image[None]
    c, h, w = image.shape
    return caffe_pb2.Datum(
        channels=c, height=h, width=w, data=np.ascontiguousarray(image, dtype=np.uint8).tobytes(), label=int(label)
    )
