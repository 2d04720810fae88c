"""Reading Caffe's configuration files: solver and net prototxts, Caffe's
upgrades of deprecated forms, include/exclude rules, and path resolution."""
