"""The summary table's rows and its Markdown form (exact text)."""

from __future__ import annotations

from compare_helpers import CAFFE_LOG, METRICS

from sgdtrain.report.runs import load_runs
from sgdtrain.report.summary import summarize
from sgdtrain.report.tables import markdown, summary_rows

EXPECTED = [
    "|  | small_sgd | caffe_sgd_inv_first60 |",
    "| --- | ---: | ---: |",
    "| source | sgdtrain record | Caffe log |",
    "| iterations | 16 | 60 |",
    "| wall time | 0.1 s | 3.3 s |",
    "| accuracy final ↑ | 0.07333 | 0.1085 (+0.03517) |",
    "| accuracy best | 0.09333 @12 | 0.1085 @0 |",
    "| loss final ↓ | 2.279 | 2.333 (+0.05364) |",
    "| loss best | 2.279 @16 | 2.333 @0 |",
    "| train_loss final ↓ | 2.31 | 0.8865 (-1.424) |",
    "| train_loss best | 2.291 @4 | 0.5585 @59 |",
]


def test_markdown_summary_of_an_sgdtrain_record_and_a_caffe_log():
    assert markdown(*summary_rows(summarize(load_runs([METRICS, CAFFE_LOG])))) == EXPECTED


def test_pipes_in_cells_are_escaped():
    assert markdown(["", "a|b"], [["x", "1"]])[0] == "|  | a\\|b |"
