"""`sgdtrain compare`'s logic: semantic differences between configurations, schedules, short trial runs.

`configs` reads the files, `fields`/`settings`/`nets` find what differs with
Caffe's defaults in force, `schedule` finds where lr schedules part, `pairs`
puts one comparison together and `trial` runs configurations briefly.
"""
