#!/usr/bin/env python
import os
import sys

# glibc returns big tensor buffers to the OS after every batch unless told not to, which
# makes the image encoder about 3x slower; these are read at process start, hence re-exec.
FAST_MALLOC = {"MALLOC_MMAP_THRESHOLD_": "4294967296", "MALLOC_TRIM_THRESHOLD_": "68719476736"}


def main():
    if any(name not in os.environ for name in FAST_MALLOC):
        os.environ.update({k: v for k, v in FAST_MALLOC.items() if k not in os.environ})
        os.execv(sys.executable, [sys.executable, *sys.argv])
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "closetspace.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
