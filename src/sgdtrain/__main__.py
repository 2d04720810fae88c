"""`python -m sgdtrain` runs the command line."""

from sgdtrain.cli import main

main()
