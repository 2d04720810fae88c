"""Reporting on configurations and runs: text and PNG charts, runs read back as curves, summaries.

Pure modules (no click, no rich): `textplot` (curves -> lines of text),
`png` (matplotlib, optional), `series` (the curve type both draw), `runs`
(metrics records and Caffe logs -> curves), `charts` (runs -> chart panels),
`summary`, `tables` and `checks` (the summary table and --fail-if-worse).
"""
