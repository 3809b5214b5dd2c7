"""Imported first by scripts whose threads go to worker processes: one BLAS thread in each, since BLAS threads
spinning beside the other workers slow these small fits several-fold. Must run before numpy is imported."""

import os

os.environ.update(dict.fromkeys(("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"), "1"))
