# Placeholder required by Qunomon's local install check (repository/my_ait.py must exist).
# This AIT is a Java program: the image runs /usr/local/qai/ait.jar (see ../dockerfile), and
# this file is never executed.
import sys

sys.exit("this AIT is written in Java; run the container image, not my_ait.py")
