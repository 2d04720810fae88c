"""A Python 3 port of Caffe's tools/extra/parse_log.py (the algorithm of
../shared/spec/caffe-reference.md §6.1), used to check that Caffe's own log
tooling reads sgdtrain's log as it reads Caffe's."""

from __future__ import annotations

import datetime
import re

REGEX_ITERATION = re.compile(r"Iteration (\d+)")
REGEX_TRAIN_OUTPUT = re.compile(r"Train net output #(\d+): (\S+) = ([\.\deE+-]+)")
REGEX_TEST_OUTPUT = re.compile(r"Test net output #(\d+): (\S+) = ([\.\deE+-]+)")
REGEX_LEARNING_RATE = re.compile(r"lr = ([-+]?[0-9]*\.?[0-9]+([eE]?[-+]?[0-9]+)?)")


def extract_datetime_from_line(line: str, year: int) -> datetime.datetime:
    # Expected format: I0210 13:39:22.381027 25210 solver.cpp:204] Iteration 100, lr = 0.00992565
    line = line.strip().split()
    month = int(line[0][1:3])
    day = int(line[0][3:])
    timestamp = line[1]
    pos = timestamp.rfind(".")
    ts = [int(x) for x in timestamp[:pos].split(":")]
    hour, minute, second = ts
    microsecond = int(timestamp[pos + 1 :])
    return datetime.datetime(year, month, day, hour, minute, second, microsecond)


def parse_log(lines: list[str], year: int = 2026):
    """Returns (train_dict_list, test_dict_list) exactly as parse_log.py builds them."""
    train_dict_list, test_dict_list = [], []
    train_row = test_row = None
    logfile_year = year
    start_time = None
    last_time = None
    iteration = -1
    learning_rate = float("NaN")
    it = iter(lines)
    for line in it:
        if "Solving" in line:
            start_time = extract_datetime_from_line(line, logfile_year)
            last_time = start_time
            break
    if start_time is None:
        return [], []
    for line in it:
        m = REGEX_ITERATION.search(line)
        if m:
            iteration = float(m.group(1))
        if iteration == -1:
            continue
        try:
            time = extract_datetime_from_line(line, logfile_year)
        except ValueError:
            continue
        if time.month < last_time.month:
            logfile_year += 1
            time = extract_datetime_from_line(line, logfile_year)
        last_time = time
        seconds = (time - start_time).total_seconds()
        m = REGEX_LEARNING_RATE.search(line)
        if m:
            learning_rate = float(m.group(1))
        train_dict_list, train_row = _parse_line_for_net_output(
            REGEX_TRAIN_OUTPUT, train_row, train_dict_list, line, iteration, seconds, learning_rate)
        test_dict_list, test_row = _parse_line_for_net_output(
            REGEX_TEST_OUTPUT, test_row, test_dict_list, line, iteration, seconds, learning_rate)
    _fix_initial_nan_learning_rate(train_dict_list)
    _fix_initial_nan_learning_rate(test_dict_list)
    return train_dict_list, test_dict_list


def _parse_line_for_net_output(regex_obj, row, row_dict_list, line, iteration, seconds, learning_rate):
    m = regex_obj.search(line)
    if m:
        if not row or row["NumIters"] != iteration:
            if row:
                row_dict_list.append(row)
            row = {"NumIters": iteration, "Seconds": seconds, "LearningRate": learning_rate}
        output_name = m.group(2)
        output_val = m.group(3)
        row[output_name] = float(output_val)
    if row and len(row_dict_list) >= 1 and len(row) == len(row_dict_list[0]):
        row_dict_list.append(row)
        row = None
    return row_dict_list, row


def _fix_initial_nan_learning_rate(dict_list):
    if len(dict_list) > 1:
        dict_list[0]["LearningRate"] = dict_list[1]["LearningRate"]
